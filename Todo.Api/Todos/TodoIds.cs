namespace Todo.Api.Todos;

/// <summary>Todo ids in URLs: the canonical hyphenated UUID form, in either case.</summary>
public static class TodoIds
{
    public static bool TryParse(string? value, out Guid id) => Guid.TryParseExact(value, "D", out id);

    public static Dictionary<string, string[]> InvalidError(string field) =>
        new() { [field] = ["must be a UUID such as 0191d4a2-6f1e-7c3a-9b8e-2f4d5c6b7a81."] };
}
