using System.Text;
using Todo.Api.Identity;
using Todo.SharedOutputCache;

namespace Todo.Api.Todos;

/// <summary>
/// What is cached and how writes invalidate it. <c>GET /todos/{id}</c> is cached under tag <c>todo:{id}</c>, once per
/// caller who may see it (its owner, and once for everyone who sees every owner's todos). A list page is cached under
/// its caller's tag, <c>todo-lists:{owner}</c>, or <c>todo-lists</c> for pages across owners. Keys come from the
/// parsed request, so equal requests share an entry, and name no host, so every instance shares them.
/// </summary>
/// <remarks>A caller's key holds their owner, so no request is ever answered with another owner's entry, 304s included.</remarks>
public static class TodoCache
{
    /// <summary>The tag of every list page across owners (the admin's and the open API's).</summary>
    public const string ListTag = "todo-lists";

    private const string EveryOwner = "*";

    public static string ItemTag(Guid id) => $"todo:{id}";

    /// <summary>The tag of one owner's own list pages.</summary>
    public static string OwnerListTag(string owner) => $"{ListTag}:{Escape(owner)}";

    /// <summary>The key of a todo's response for this caller; none for a malformed id, whose 400 is not cached.</summary>
    public static SharedOutputCacheKey? ItemKey(HttpRequest request)
    {
        if (!TodoIds.TryParse(request.RouteValues["todoId"] as string, out var id))
        {
            return null;
        }
        var caller = TodoCaller.Of(request.HttpContext);
        return new SharedOutputCacheKey(ItemTag(id), caller.SeesEveryOwner ? EveryOwner : $"owner:{caller.Owner}");
    }

    /// <summary>The key of a list page: its caller's tag and its query as parsed (<c>limit=0100</c> is <c>limit=100</c>); none for a bad query.</summary>
    public static SharedOutputCacheKey? ListKey(HttpRequest request)
    {
        var query = request.Query;
        if (!TodoListQuery.TryParse(query["status"], query["userEmail"], query["owner"], query["limit"], query["after"], out var parsed, out _))
        {
            return null;
        }
        var caller = TodoCaller.Of(request.HttpContext);
        return new SharedOutputCacheKey(caller.SeesEveryOwner ? ListTag : OwnerListTag(caller.Owner), parsed.CacheVariant);
    }

    /// <summary>A tag may not hold braces (SharedOutputCacheKey); this keeps any subject apart from any other.</summary>
    private static string Escape(string owner) =>
        owner.AsSpan().IndexOfAny("%{}") < 0
            ? owner
            : new StringBuilder(owner).Replace("%", "%25").Replace("{", "%7B").Replace("}", "%7D").ToString();
}

/// <summary>Invalidates what a committed write made stale, on every instance, before the write's response is sent.</summary>
public sealed class TodoCacheEviction(SharedOutputCacheStore? cache)
{
    /// <summary>For writes that are rolled back (the warm-up's): they made nothing stale.</summary>
    public static TodoCacheEviction None { get; } = new(null);

    /// <summary>New todos of these owners: their list pages, and the pages across owners.</summary>
    public Task TodosCreatedAsync(IEnumerable<string> owners) =>
        cache?.InvalidateAsync([TodoCache.ListTag, .. owners.Distinct(StringComparer.Ordinal).Select(TodoCache.OwnerListTag)]) ?? Task.CompletedTask;

    public Task TodoChangedAsync(Guid id, string owner) =>
        cache?.InvalidateAsync(TodoCache.ItemTag(id), TodoCache.OwnerListTag(owner), TodoCache.ListTag) ?? Task.CompletedTask;
}
