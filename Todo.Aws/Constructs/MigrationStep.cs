using Amazon.CDK.AWS.ECS;
using Todo.Aws.Manifest;
using Todo.Contracts;
using EcsSecret = Amazon.CDK.AWS.ECS.Secret;
using Todo.Aws.Targets;

namespace Todo.Aws.Constructs;

/// <summary>
/// A container that runs the project's image with the argument <c>migrate</c> and the database owner's credentials, to
/// completion, before the project's own container starts with the application role's. The project's side of the
/// contract: apply its migrations, grant the role named in <see cref="ApplicationRoleSetting"/> (creating it with the
/// password given there if it does not exist), exit zero; and skip migrating when <see cref="ApiSettings.MigrateOnStartup"/>
/// is false. <c>Todo.Api migrate</c> keeps it.
/// </summary>
public static class MigrationStep
{
    public const string ContainerName = "migrate";

    /// <summary>Where <c>migrate</c> reads the application role from, as environment variables (<c>__Name</c>, <c>__Password</c>).</summary>
    public static readonly string ApplicationRoleSetting = ApiSettings.EnvironmentVariable(ApiSettings.ApplicationRole);

    /// <param name="owners">The schema owner behind each connection-string variable that has one.</param>
    /// <param name="environment">The project's plain environment, which <c>migrate</c> gets too.</param>
    public static ContainerDefinition Add(TaskDefinition task, ContainerDefinition app, string project, IReadOnlyDictionary<string, SchemaOwner> owners,
        IReadOnlyDictionary<string, string> environment, ContainerImage image, Amazon.CDK.AWS.Logs.ILogGroup logs)
    {
        if (owners.Values.Distinct().Count() > 1)
        {
            throw new DeploymentRefusedException($"'{project}' uses databases of more than one server; its migration step takes one owner.");
        }
        var owner = owners.Values.First();
        var secrets = new Dictionary<string, EcsSecret>(StringComparer.Ordinal)
        {
            [$"{ApplicationRoleSetting}__Password"] = EcsSecret.FromSecretsManager(owner.RolePassword.Secret, owner.RolePassword.Field!),
        };
        foreach (var (variable, schemaOwner) in owners)
        {
            EcsSecrets.AddParts(secrets, variable, schemaOwner.Parts);
        }
        var migration = task.AddContainer(ContainerName, new ContainerDefinitionOptions
        {
            ContainerName = ContainerName,
            Image = image,
            Command = [ContainerName],
            Essential = false,
            Environment = new Dictionary<string, string>(environment) { [$"{ApplicationRoleSetting}__Name"] = owner.Role },
            Secrets = secrets,
            Logging = LogDriver.AwsLogs(new AwsLogDriverProps { LogGroup = logs, StreamPrefix = ContainerName }),
        });
        app.AddEnvironment(ApiSettings.EnvironmentVariable(ApiSettings.MigrateOnStartup), "false");
        app.AddContainerDependencies(new ContainerDependency { Container = migration, Condition = ContainerDependencyCondition.SUCCESS });
        return migration;
    }
}
