using Amazon.CDK.AWS.ECS;

namespace Todo.Aws.Images;

/// <summary>
/// The one processor architecture of the images and of the tasks that run them, whatever machine builds the image:
/// ARM64 (Graviton), about 20 % cheaper per vCPU-hour and GB-hour on Fargate than x86-64. The .NET SDK builds it on
/// any machine (no emulation: the SDK runs no build steps in the image), and the tag names it, so an image of another
/// architecture can never stand under a tag the task definition names.
/// </summary>
public static class ImageArchitecture
{
    public const string RuntimeIdentifier = "linux-arm64";

    public const string TagSuffix = "arm64";

    public static CpuArchitecture Fargate => CpuArchitecture.ARM64;
}
