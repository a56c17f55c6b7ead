namespace Todo.Api.Todos;

/// <summary>Todo ids in URLs: the canonical hyphenated UUID form, in either case (refused with <see cref="TodoFields.InvalidTodoId"/>).</summary>
public static class TodoIds
{
    public static bool TryParse(string? value, out Guid id) => Guid.TryParseExact(value, "D", out id);
}
