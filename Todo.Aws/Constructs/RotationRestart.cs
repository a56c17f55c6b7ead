using Amazon.CDK.AWS.ECS;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using Amazon.CDK.AWS.SecretsManager;
using Amazon.CDK.AWS.StepFunctions;
using Amazon.CDK.AWS.StepFunctions.Tasks;
using Constructs;

namespace Todo.Aws.Constructs;

/// <summary>
/// Replaces a service's tasks, by a rolling deployment, whenever a secret they read moves to a new current version:
/// ECS hands secrets to a container only when it starts. Secrets Manager announces the move itself (the event
/// "Secret Label Updated", no CloudTrail trail needed); a state machine asks ECS for a new deployment of the service.
/// Rotations keep the previous credentials valid until the next one, so old tasks serve until new ones are healthy.
/// </summary>
public static class RotationRestart
{
    public static void Add(Construct scope, FargateService service, IReadOnlyList<ISecret> secrets, TodoAwsOptions options)
    {
        if (secrets.Count == 0)
        {
            return;
        }
        var restart = new CallAwsService(scope, "ForceNewDeployment", new CallAwsServiceProps
        {
            Service = "ecs",
            Action = "updateService",
            Parameters = new Dictionary<string, object>
            {
                ["Cluster"] = service.Cluster.ClusterArn,
                ["Service"] = service.ServiceName,
                ["ForceNewDeployment"] = true,
            },
            IamResources = [service.ServiceArn],
        });
        var machine = new StateMachine(scope, "RestartOnRotation", new StateMachineProps
        {
            DefinitionBody = DefinitionBody.FromChainable(restart),
            TracingEnabled = true,
            Logs = new LogOptions
            {
                Destination = LogRetention.Group(scope, "RestartOnRotationLogs", options),
                Level = LogLevel.ALL,
            },
        });
        NagSuppression.OnWildcardResources(machine.Role,
            "CloudWatch Logs' log delivery actions and X-Ray's PutTraceSegments and PutTelemetryRecords take no resource (Service "
            + "Authorization Reference); the only action on a resource, ecs:UpdateService, names this service.");
        _ = new Rule(scope, "SecretRotated", new RuleProps
        {
            Description = $"A secret {service.ServiceName} reads has a new current version: replace its tasks.",
            EventPattern = new EventPattern
            {
                Source = ["aws.secretsmanager"],
                DetailType = ["Secret Label Updated"],
                Resources = [.. secrets.Select(secret => secret.SecretArn)],
                Detail = new Dictionary<string, object> { ["labelUpdated"] = new[] { "AWSCURRENT" } },
            },
            Targets = [new SfnStateMachine(machine)],
        });
    }
}
