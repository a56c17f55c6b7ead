namespace Todo.Api.Todos;

/// <summary>Field limits, counted in Unicode characters as PostgreSQL counts them.</summary>
public static class TodoLimits
{
    public const int TitleMaxLength = 200;
    public const int DescriptionMaxLength = 2000;
    public const int UserEmailMaxLength = 254;
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    /// <summary>A todo at every field's limit is under 10 KiB; anything far larger is not a todo. <c>Kestrel:Limits:MaxRequestBodySize</c> overrides it.</summary>
    public const long MaxRequestBodyBytes = 32 * 1024;
}
