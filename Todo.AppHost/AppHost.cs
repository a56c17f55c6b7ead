using Aspire.Hosting.ApplicationModel;
using Todo.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

var localServices = builder.ResolveLocalServicesMode();

var todos = builder.AddTodoDatabase(localServices);
var cache = builder.AddTodoCache(localServices);

builder.AddProject<Projects.Todo_Api>("todo-api")
    .WithReferenceEnvironment(ReferenceEnvironmentInjectionFlags.ConnectionString)
    .WithReference(todos).WaitFor(todos)
    .WithReference(cache).WaitFor(cache)
    .WithTodoIdentity("identity", adminScope: "todos:admin", userScope: "todos")
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();

builder.Build().Run();
