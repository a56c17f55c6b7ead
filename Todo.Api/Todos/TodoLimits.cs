namespace Todo.Api.Todos;

/// <summary>Field limits, counted in Unicode characters as PostgreSQL counts them.</summary>
public static class TodoLimits
{
    public const int TitleMaxLength = 200;
    public const int DescriptionMaxLength = 2000;
    public const int UserEmailMaxLength = 254;
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    /// <summary>
    /// A page's JSON stays under this, whatever its <c>limit</c>: 1,000 todos of ordinary size fit, 1,000 at every
    /// field's limit (9 MB in UTF-8, 27 MB with every emoji escaped) would not. The output cache stores up to 1 MiB.
    /// </summary>
    public const int MaxPageBytes = 512 * 1024;

    /// <summary>A todo at every field's limit is under 10 KiB; anything far larger is not a todo. <c>Kestrel:Limits:MaxRequestBodySize</c> overrides it.</summary>
    public const long MaxRequestBodyBytes = 32 * 1024;
}
