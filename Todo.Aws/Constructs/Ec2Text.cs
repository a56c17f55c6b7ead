using System.Text.RegularExpressions;

namespace Todo.Aws.Constructs;

/// <summary>
/// Text EC2 accepts in security-group and rule descriptions: at most 255 of <c>a-z A-Z 0-9</c>, spaces and
/// <c>._-:/()#,@[]+=&amp;;{}!$*</c> (EC2 API Reference, CreateSecurityGroup and IpRange). Any other character, from a
/// resource name say, becomes a space, so no name can make a group or rule fail to create.
/// </summary>
public static partial class Ec2Text
{
    public const int MaxLength = 255;

    public static string Description(string text)
    {
        var allowed = Disallowed().Replace(text, " ");
        return allowed.Length <= MaxLength ? allowed : allowed[..MaxLength];
    }

    public static bool IsValidDescription(string text) => text.Length <= MaxLength && !Disallowed().IsMatch(text);

    [GeneratedRegex(@"[^a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*]")]
    private static partial Regex Disallowed();
}
