namespace Todo.Api.Todos;

public static class Timestamps
{
    /// <summary>PostgreSQL keeps microseconds; truncating first makes a response equal to every later read.</summary>
    public static DateTime ToDatabasePrecision(DateTime utc) =>
        new(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMicrosecond, DateTimeKind.Utc);
}
