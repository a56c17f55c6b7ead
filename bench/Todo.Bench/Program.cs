using Todo.Bench;

// bench/run: PostgreSQL and Redis from the AppHost model, the published API as a pinned process, wrk on the other core.
var repositoryRoot = args.SkipWhile(arg => arg != "--repository").Skip(1).FirstOrDefault() ?? Directory.GetCurrentDirectory();
var options = BenchOptions.Parse(args, repositoryRoot);
var work = Directory.CreateDirectory(Path.Combine(repositoryRoot, "bench", ".work")).FullName;
var apiDll = Path.Combine(work, "api", "Todo.Api.dll");
var report = new Report(options.Connections);
var wrk = new Wrk(options, work);

// The report comes last, after the servers have stopped and said so.
// Tokens as Cognito issues them (RS256, from a key set found through the authority), for the authenticated rows.
await using var identity = await TestIdentityProvider.StartAsync();
const string benchClient = "bench-client";
var userToken = identity.AccessToken(Seeder.User, benchClient);
await using (var servers = await TodoServers.StartAsync("postgres", "todos", "cache"))
{
    var todos = await servers.ConnectionStringAsync("todos");
    var cache = await servers.ConnectionStringAsync("cache");
    var seeder = new Seeder(todos);
    await Cores.PinServersAsync(servers.DataDirectory.FullName, $"redis-server .*:{cache.Split(',')[0].Split(':')[^1]}$");
    Console.WriteLine($"Servers up. {report.Machine}");

    // The first start applies the migrations; the measured start-up is the second, as in production.
    await (await StartApiAsync(outputCaching: true)).DisposeAsync();

    var smallIds = await WriteIdsAsync("small", await seeder.AddAsync(100, "bench-small@example.com"));
    var mixedIds = "";
    await using (var api = await StartApiAsync(outputCaching: true, probePath: "/todos?limit=1"))
    {
        report.StartupMs = api.StartupTime.TotalMilliseconds;
        report.FirstBurst = await FirstBurst.SendAsync(api.BaseAddress, 60);
        await MeasureAsync(api, "root", "GET / (the server's ceiling)", Scripts.Get("/"));
        await MeasureWithAndWithoutTokenAsync(api, "item-cached", "GET /todos/{id}, 100 todos, cached", "… with a user's token", Scripts.GetRandomTodo(smallIds));
        await MeasureWithAndWithoutTokenAsync(api, "list-cached", "GET /todos?limit=100, cached", "… with a user's token (the user's 100 todos)", Scripts.Get("/todos?limit=100"));
        await MeasureAsync(api, "create", "POST /todos", Scripts.CreateTodo());
        await MeasureAsync(api, "create-auth", "… with a user's token", Scripts.WithToken(userToken, Scripts.CreateTodo()));
        mixedIds = await WriteIdsAsync("mixed", await seeder.AddAsync(10_000, "bench-mixed@example.com"));
        await MeasureAsync(api, "mixed", "90 % GET /todos/{id}, 10 % PATCH, 10,000 todos", Scripts.MixedReadsAndWrites(mixedIds));
        report.PeakRssMB["cached API"] = PeakRssMB(api);
    }

    // Entries that live a second, 10,000 todos read in turn: every read is a lookup that misses, a query and a store.
    await using (var api = await StartApiAsync(outputCaching: true, settings: [("OutputCache:EntryLifetime", "00:00:01")]))
    {
        await MeasureAsync(api, "item-miss", "GET /todos/{id}, 10,000 todos in turn, entries live 1 s (every read misses)", Scripts.GetEachTodoInTurn(mixedIds));
    }

    // A new instance under creates, filtered lists and GET /: first for as long as it takes memory to level off, then
    // inside the memory of the smallest Fargate task.
    const string mixedOwner = "bench-sustained@example.com";
    await using (var api = await StartApiAsync(outputCaching: true))
    {
        report.Sustained = await MemoryTimeline.MeasureAsync(api,
            () => wrk.SustainAsync(api.BaseAddress, "sustained", Scripts.CreatesListsAndRoot(mixedOwner), options.Sustained));
        report.PeakRssMB["sustained API"] = report.Sustained.PeakRssMB;
    }
    using (var taskMemory = MemoryLimit.TryCreate("todo-bench", 512))
    {
        if (taskMemory is not null)
        {
            await using var api = await StartApiAsync(outputCaching: true, launcher: taskMemory.Launcher(Cores.Launcher(0)));
            report.TaskSized = (taskMemory.MiB, await MemoryTimeline.MeasureAsync(api,
                () => wrk.SustainAsync(api.BaseAddress, "task-sized", Scripts.CreatesListsAndRoot(mixedOwner), options.Sustained / 4)));
        }
    }

    await using (var api = await StartApiAsync(outputCaching: false))
    {
        await MeasureAsync(api, "item-uncached", "GET /todos/{id}, output caching off (PostgreSQL)", Scripts.GetRandomTodo(smallIds));
        await seeder.ClearAsync();
        await MeasurePagesAsync(api, "10k", 10_000);
        await MeasurePagesAsync(api, options.LargeTableRows >= 1_000_000 ? "1m" : "large", options.LargeTableRows);
        report.PeakRssMB["uncached API"] = PeakRssMB(api);
    }

    // The first page and one from the middle of the whole table, uncached: the cost of a page must not grow with the table.
    async Task MeasurePagesAsync(ApiProcess api, string label, int rows)
    {
        await seeder.AddAsync(rows - (int)await seeder.CountAsync(), "bench-pages@example.com");
        var middle = await seeder.IdAtAsync(rows / 2);
        const string query = "/todos?limit=100";
        Console.WriteLine($"  {rows:N0} todos in the table");
        await MeasureAsync(api, $"page-first-{label}", $"GET /todos?limit=100, first page of {rows:N0}, uncached", Scripts.Get(query));
        await MeasureAsync(api, $"page-deep-{label}", $"… the page after row {rows / 2:N0} of {rows:N0}, uncached", Scripts.Get($"{query}&after={middle}"));
    }

    // Both, then both again, measured the second time: on one busy core the code the two share is still being optimized
    // during the first runs, and whichever came second would gain from it.
    async Task MeasureWithAndWithoutTokenAsync(ApiProcess api, string name, string description, string withTokenDescription, string script)
    {
        var withToken = Scripts.WithToken(userToken, script);
        await wrk.RunAsync(api.BaseAddress, name, script);
        await wrk.RunAsync(api.BaseAddress, $"{name}-auth", withToken);
        await MeasureAsync(api, name, description, script);
        await MeasureAsync(api, $"{name}-auth", withTokenDescription, withToken);
    }

    async Task MeasureAsync(ApiProcess api, string name, string description, string script) =>
        report.Add(name, description, await wrk.RunAsync(api.BaseAddress, name, script), PeakRssMB(api));

    Task<ApiProcess> StartApiAsync(bool outputCaching, IReadOnlyList<string>? launcher = null, string probePath = "/", (string Key, string Value)[]? settings = null)
    {
        // The rows without a token measure the open API (the workshop's); those with one, Cognito-shaped access tokens.
        var all = new Dictionary<string, string>(identity.ApiSettings(benchClient))
        {
            ["Authentication:AllowAnonymous"] = "true",
            ["Authentication:AllowAnonymousOutsideDevelopment"] = "true",
            ["ConnectionStrings:todos"] = todos,
            ["ConnectionStrings:cache"] = cache,
            ["OutputCache:Enabled"] = outputCaching ? "true" : "false",
        };
        foreach (var (key, value) in options.ApiSettings.Select(setting => (setting.Key, setting.Value)).Concat(settings ?? []))
        {
            all[key] = value;
        }
        return ApiProcess.StartAsync(apiDll, all, launcher ?? Cores.Launcher(0), probePath, probeToken: userToken);
    }
}

Console.WriteLine();
Console.WriteLine(report.Markdown());
await report.WriteAsync(options.ResultsDirectory);

static double PeakRssMB(ApiProcess api) => api.PeakRssMiB * 1.048576;

async Task<string> WriteIdsAsync(string name, IReadOnlyList<Guid> ids)
{
    var path = Path.Combine(work, $"{name}-ids.txt");
    await File.WriteAllLinesAsync(path, ids.Select(id => id.ToString()));
    return path;
}
