using Todo.Api;
using Todo.Api.Data;
using Todo.Api.Identity;
using Todo.Api.Limits;
using Todo.Api.Problems;
using Todo.Api.Todos;
using Todo.ServiceDefaults.Security;

if (args is [MigrateCommand.Name, .. var migrateArgs])
{
    Environment.ExitCode = await MigrateCommand.RunAsync(migrateArgs);
    return;
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddTodoDatabase();
builder.AddTodoAuthentication();
builder.AddCallerLimits();
builder.AddSharedOutputCache("cache", redis => redis.DisableTracing = !builder.IsExportingTelemetry());
builder.AddTodoProblemDetails();
builder.AddTodoOpenApi();
builder.AddTodos();

await using var app = builder.Build();

app.UseSecurityHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UsePrivateResponses();
// The todo routes' policy authenticates their bearer token (there is no default scheme): before the cache is consulted.
app.UseAuthorization();
app.UseCallerLimits();
app.UseSharedOutputCache();
app.UseCallerReadLimits();
app.UseDatabaseDeadline();
app.UseRateLimiter();

app.MapDefaultEndpoints();
app.MapTodoOpenApi();
app.MapServiceInfo();
app.MapTodos();

if (!app.CheckTodoAccess() || !await app.MigrateTodoDatabaseAsync())
{
    Environment.ExitCode = 1;
    return;
}
await app.RunAsync();
