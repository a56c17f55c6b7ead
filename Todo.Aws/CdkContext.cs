using System.Globalization;
using System.Text.Json;

namespace Todo.Aws;

/// <summary>Reads context values that arrive as JSON from cdk.json or as strings from <c>-c key=value</c>.</summary>
internal sealed class CdkContext(Func<string, object?> lookUp)
{
    private string? String(string key) => lookUp(key) switch
    {
        null => null,
        string text when text.Length == 0 => null,
        var value => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private IReadOnlyList<string>? List(string key) => lookUp(key) switch
    {
        null => null,
        string text when text.TrimStart().StartsWith('[') => JsonSerializer.Deserialize<string[]>(text),
        string text => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        object[] items => items.Select(item => Convert.ToString(item, CultureInfo.InvariantCulture)!).ToArray(),
        var other => throw new DeploymentRefusedException($"Context {key} must be a list of strings, not {other}."),
    };

    private bool? Bool(string key) => String(key) switch
    {
        null => null,
        var text when bool.TryParse(text, out var value) => value,
        var text => throw new DeploymentRefusedException($"Context {key} must be true or false; got '{text}'."),
    };

    private int? Int(string key, int min, int max) => Double(key, min, max) switch
    {
        null => null,
        var value when value == Math.Floor(value.Value) => (int)value,
        _ => throw new DeploymentRefusedException($"Context {key} must be a whole number."),
    };

    private double? Double(string key, double min, double max)
    {
        if (String(key) is not { } text)
        {
            return null;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new DeploymentRefusedException($"Context {key} must be a number from {min} to {max}; got '{text}'.");
        }
        return value;
    }

    /// <summary>The value of <paramref name="key"/> as <paramref name="type"/>; null when the context does not set it.</summary>
    public object? Read(ContextKeyAttribute key, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(string) => String(key.Key),
            _ when type == typeof(bool) => Bool(key.Key),
            _ when type == typeof(int) => Int(key.Key, (int)key.Min, (int)key.Max),
            _ when type == typeof(double) => Double(key.Key, key.Min, key.Max),
            _ when type == typeof(IReadOnlyList<string>) => List(key.Key),
            { IsEnum: true } => Enum(key.Key, type),
            _ => throw new InvalidOperationException($"Context {key.Key}: no reader for {type.Name}."),
        };
    }

    private object? Enum(string key, Type type)
    {
        if (String(key) is not { } text)
        {
            return null;
        }
        return System.Enum.TryParse(type, text, ignoreCase: true, out var value) && System.Enum.IsDefined(type, value!)
            ? value
            : throw new DeploymentRefusedException(
                $"Context {key} must be one of {string.Join(", ", System.Enum.GetNames(type).Select(name => name.ToLowerInvariant()))}; got '{text}'.");
    }
}
