namespace Todo.Bench;

/// <summary>The wrk scenarios, in Lua. Ids come from a file the harness writes, one per line.</summary>
public static class Scripts
{
    public static string Get(string path) => $"wrk.path = \"{path}\"\n";

    public static string GetRandomTodo(string idsFile) => ReadIds(idsFile) + """
        request = function()
          return wrk.format("GET", "/todos/" .. ids[math.random(#ids)])
        end
        """;

    /// <summary>Each todo in turn, round and round: with more todos than requests in an entry's lifetime, every read misses.</summary>
    public static string GetEachTodoInTurn(string idsFile) => ReadIds(idsFile) + """
        local next = 0
        request = function()
          next = next % #ids + 1
          return wrk.format("GET", "/todos/" .. ids[next])
        end
        """;

    public static string CreateTodo() => """
        wrk.method = "POST"
        wrk.path = "/todos"
        wrk.headers["Content-Type"] = "application/json"
        wrk.body = '{"title":"Benchmark","description":"Created under load","dueDate":"2030-01-01","userEmail":"bench-writer@example.com"}'
        """;

    /// <summary>90 % reads of random todos, 10 % merge patches of random todos, each patch evicting cached entries.</summary>
    public static string MixedReadsAndWrites(string idsFile) => ReadIds(idsFile) + """
        local statuses = { "pending", "in_progress", "done" }
        request = function()
          local id = ids[math.random(#ids)]
          if math.random(10) == 1 then
            return wrk.format("PATCH", "/todos/" .. id, { ["Content-Type"] = "application/merge-patch+json" },
              '{"status":"' .. statuses[math.random(3)] .. '"}')
          end
          return wrk.format("GET", "/todos/" .. id)
        end
        """;

    /// <summary>60 % <c>GET /</c>, 20 % creates, 20 % lists filtered by status and owner: the load under which memory must level off.</summary>
    public static string CreatesListsAndRoot(string owner) => $$"""
        local statuses = { "pending", "in_progress", "done" }
        request = function()
          local roll = math.random(10)
          if roll <= 2 then
            return wrk.format("POST", "/todos", { ["Content-Type"] = "application/json" },
              '{"title":"Benchmark","description":"Created under mixed load","dueDate":"2030-01-01","userEmail":"{{owner}}"}')
          elseif roll <= 4 then
            return wrk.format("GET", "/todos?status=" .. statuses[math.random(3)] .. "&userEmail={{Uri.EscapeDataString(owner)}}&limit=20")
          end
          return wrk.format("GET", "/")
        end
        """;

    /// <summary><paramref name="script"/>, every request of it with <c>Authorization: Bearer</c> <paramref name="token"/>.</summary>
    public static string WithToken(string token, string script) => $"wrk.headers[\"Authorization\"] = \"Bearer {token}\"\n{script}";

    private static string ReadIds(string idsFile) => $$"""
        local ids = {}
        for line in io.lines("{{idsFile}}") do ids[#ids + 1] = line end
        math.randomseed(os.time())

        """;
}
