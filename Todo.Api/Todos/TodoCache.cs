using Microsoft.AspNetCore.OutputCaching;

namespace Todo.Api.Todos;

/// <summary>
/// What is cached and how writes evict it: <c>GET /todos/{id}</c> under tag <c>todo:{id}</c>, every list page
/// under <c>todo-lists</c>. Entries do not vary by host, so every instance behind a load balancer shares them.
/// </summary>
public static class TodoCache
{
    public const string ItemPolicy = "todo";
    public const string ListPolicy = "todo-list";
    public const string ListTag = "todo-lists";

    public static string ItemTag(Guid id) => $"todo:{id}";

    public static void AddPolicies(OutputCacheOptions options)
    {
        options.AddPolicy(ItemPolicy, policy => policy.SetVaryByHost(false).AddPolicy<ItemTagPolicy>());
        options.AddPolicy(ListPolicy, policy => policy.SetVaryByHost(false)
            .SetVaryByQuery("status", "userEmail", "limit", "after")
            .Tag(ListTag));
    }

    /// <summary>Tags an item by its canonical id, so <c>/todos/ABC…</c> and <c>/todos/abc…</c> are evicted together.</summary>
    private sealed class ItemTagPolicy : IOutputCachePolicy
    {
        public ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
        {
            if (TodoIds.TryParse(context.HttpContext.Request.RouteValues["todoId"] as string, out var id))
            {
                context.Tags.Add(ItemTag(id));
            }
            else
            {
                context.EnableOutputCaching = false;
            }
            return ValueTask.CompletedTask;
        }

        public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

        public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;
    }
}

/// <summary>Evicts what a committed write made stale, before the write's response is sent.</summary>
public sealed class TodoCacheEviction(IOutputCacheStore store)
{
    // Not cancellable: once the database has the write, the stale entries must go even if the client left.
    public Task TodoCreatedAsync() => store.EvictByTagAsync(TodoCache.ListTag, CancellationToken.None).AsTask();

    public Task TodoChangedAsync(Guid id) => Task.WhenAll(
        store.EvictByTagAsync(TodoCache.ItemTag(id), CancellationToken.None).AsTask(),
        store.EvictByTagAsync(TodoCache.ListTag, CancellationToken.None).AsTask());
}
