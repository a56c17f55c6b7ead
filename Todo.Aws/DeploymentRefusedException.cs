namespace Todo.Aws;

/// <summary>
/// What the CDK app will not synthesize, and why, in one sentence: a switch out of range or missing, a combination that
/// cannot be deployed, a manifest resource it cannot map. The app prints the sentence and exits 1.
/// </summary>
public sealed class DeploymentRefusedException(string message) : Exception(message);
