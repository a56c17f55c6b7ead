using Todo.ServiceDefaults.OutputCaching;

namespace Todo.Api.Todos;

/// <summary>
/// What is cached and how writes invalidate it: <c>GET /todos/{id}</c> under tag <c>todo:{id}</c>, every list page
/// under <c>todo-lists</c>, keyed by the parsed request so that equal requests share an entry. Keys name no host,
/// so every instance behind a load balancer shares them.
/// </summary>
public static class TodoCache
{
    public const string ListTag = "todo-lists";

    public static string ItemTag(Guid id) => $"todo:{id}";

    /// <summary>The key of a todo's response; none for a malformed id, whose 400 is not cached.</summary>
    public static OutputCacheKey? ItemKey(HttpRequest request) =>
        TodoIds.TryParse(request.RouteValues["todoId"] as string, out var id) ? new OutputCacheKey(ItemTag(id)) : null;

    /// <summary>The key of a list page: its query as parsed, so <c>limit=0100</c> and <c>limit=100</c> share an entry; none for a bad query.</summary>
    public static OutputCacheKey? ListKey(HttpRequest request)
    {
        var query = request.Query;
        return TodoListQuery.TryParse(query["status"], query["userEmail"], query["limit"], query["after"], out var parsed, out _)
            ? new OutputCacheKey(ListTag, parsed.CacheVariant)
            : null;
    }
}

/// <summary>Invalidates what a committed write made stale, on every instance, before the write's response is sent.</summary>
public sealed class TodoCacheEviction(SharedOutputCacheStore? cache)
{
    /// <summary>For writes that are rolled back (the warm-up's): they made nothing stale.</summary>
    public static TodoCacheEviction None { get; } = new(null);

    public Task TodoCreatedAsync() => cache?.InvalidateAsync(TodoCache.ListTag) ?? Task.CompletedTask;

    public Task TodoChangedAsync(Guid id) => cache?.InvalidateAsync(TodoCache.ItemTag(id), TodoCache.ListTag) ?? Task.CompletedTask;
}
