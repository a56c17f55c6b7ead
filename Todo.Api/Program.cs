using Todo.Api;
using Todo.Api.Data;
using Todo.Api.Problems;
using Todo.Api.Todos;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddTodoDatabase();
builder.AddRedisOutputCache("cache", TodoCache.AddPolicies);
builder.AddTodoProblemDetails();
builder.AddTodoOpenApi();
builder.AddTodos();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRedisOutputCache();

app.MapDefaultEndpoints();
app.MapTodoOpenApi();
app.MapServiceInfo();
app.MapTodos();

await app.MigrateTodoDatabaseAsync();
await app.RunAsync();
