using System.Text.Json.Nodes;

namespace Todo.Tests.Infrastructure;

/// <summary>What a template value reads as: strings as they are, the pieces of an <c>Fn::Join</c> put together.</summary>
public static class TemplateText
{
    /// <param name="reference">What any other function (a <c>Ref</c>, an import) reads as; <c>ref</c> unless given.</param>
    public static string Of(JsonNode? node, Func<JsonNode?, string>? reference = null) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonObject join when join.Count == 1 && join["Fn::Join"] is JsonArray { Count: 2 } parts =>
            string.Join(parts[0]!.GetValue<string>(), parts[1]!.AsArray().Select(part => Of(part, reference))),
        _ => reference?.Invoke(node) ?? "ref",
    };

    /// <summary>A container definition's plain environment, by variable.</summary>
    public static Dictionary<string, string> Environment(JsonNode container) => container["Environment"]!.AsArray()
        .ToDictionary(variable => variable!["Name"]!.GetValue<string>(), variable => Of(variable!["Value"]));
}
