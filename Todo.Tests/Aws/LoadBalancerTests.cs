using Todo.Aws;
using Todo.Tests.Infrastructure;

namespace Todo.Tests.Aws;

/// <summary>
/// The public load balancer: no plain HTTP unless the user accepts it, invalid header fields dropped, access logs in an
/// encrypted bucket that forgets them, deletion refused by default, a current TLS policy, and a web ACL by switch.
/// </summary>
[Collection(AwsCollection.Name)]
[Trait("Category", "Aws")]
[Trait("Category", "Slow")]
public sealed class LoadBalancerTests(DefaultDeployment defaults, SwitchedDeployment switched)
{
    [Fact]
    public void Synthesis_refuses_a_public_plain_http_listener_unless_the_user_accepts_it()
    {
        var withoutConsent = new Dictionary<string, object>(DocumentedDeployments.DefaultContext());
        withoutConsent.Remove("allowPlainHttp");

        var refused = Assert.Throws<DeploymentRefusedException>(() => AwsSynthesis.Of(AwsSynthesis.CommittedManifest(), withoutConsent));

        Assert.Contains("certificateArn", refused.Message);
        Assert.Contains("allowPlainHttp=true", refused.Message);
        Assert.Contains("allowPlainHttp", DocumentedSwitchRow("allowPlainHttp"));
    }

    [Theory]
    [InlineData(DocumentedDeployments.Defaults, "true", 90)]
    [InlineData("unprotected", "false", 7)]
    public void Invalid_headers_are_dropped_and_access_logs_expire_and_deletion_is_refused_unless_switched_off(
        string deployment, string deletionProtection, int accessLogDays)
    {
        var synthesis = DocumentedDeployments.Get(deployment);
        var attributes = Assert.Single(synthesis.Resources("todo-api", "AWS::ElasticLoadBalancingV2::LoadBalancer").Values)["Properties"]!["LoadBalancerAttributes"]!
            .AsArray().ToDictionary(attribute => attribute!["Key"]!.GetValue<string>(), attribute => attribute!["Value"]!.ToJsonString().Trim('"'));
        var bucket = Assert.Single(synthesis.Resources("todo-api", "AWS::S3::Bucket"));

        Assert.Equal("true", attributes["routing.http.drop_invalid_header_fields.enabled"]);
        Assert.Equal(deletionProtection, attributes["deletion_protection.enabled"]);
        Assert.Equal("true", attributes["access_logs.s3.enabled"]);
        Assert.Contains(bucket.Key, attributes["access_logs.s3.bucket"]);
        var properties = bucket.Value["Properties"]!;
        Assert.Equal("AES256", properties["BucketEncryption"]!["ServerSideEncryptionConfiguration"]![0]!["ServerSideEncryptionByDefault"]!["SSEAlgorithm"]!.GetValue<string>());
        Assert.Equal(accessLogDays, Assert.Single(properties["LifecycleConfiguration"]!["Rules"]!.AsArray())!["ExpirationInDays"]!.GetValue<int>());
        Assert.All(properties["PublicAccessBlockConfiguration"]!.AsObject(), setting => Assert.True(setting.Value!.GetValue<bool>()));
        var policy = Assert.Single(synthesis.Resources("todo-api", "AWS::S3::BucketPolicy").Values)["Properties"]!["PolicyDocument"]!.ToJsonString();
        Assert.Contains("\"aws:SecureTransport\":\"false\"", policy);
    }

    [Fact]
    public void With_a_certificate_the_listener_uses_a_tls_1_3_policy_and_http_redirects()
    {
        var listeners = switched.Synthesis.Resources("todo-api", "AWS::ElasticLoadBalancingV2::Listener").Values.Select(listener => listener["Properties"]!).ToList();

        var https = Assert.Single(listeners, listener => listener["Protocol"]!.GetValue<string>() == "HTTPS");
        Assert.Equal("ELBSecurityPolicy-TLS13-1-2-2021-06", https["SslPolicy"]!.GetValue<string>());
        var http = Assert.Single(listeners, listener => listener["Protocol"]!.GetValue<string>() == "HTTP");
        Assert.Equal("redirect", http["DefaultActions"]![0]!["Type"]!.GetValue<string>());
    }

    /// <summary>
    /// A client of an https URL checks that the server's certificate is for the URL's host (RFC 9110, section 4.3.4), and
    /// a load balancer's own DNS name is one AWS makes up (…elb.amazonaws.com, "Configure a custom domain name for your
    /// Classic Load Balancer", Elastic Load Balancing's documentation), which no certificate of the user's covers: the
    /// URL the deployment gives out names the domain the certificate is for.
    /// </summary>
    [Theory]
    [InlineData("https", "todo.example.com")]
    [InlineData(DocumentedDeployments.Switched, "todo.example.eu")]
    public void With_a_certificate_the_service_url_names_the_domain_it_covers(string deployment, string domain)
    {
        var outputs = DocumentedDeployments.Get(deployment).Json["todo-api"]["Outputs"]!.AsObject();

        Assert.Equal($"https://{domain}", outputs["ServiceUrl"]!["Value"]!.GetValue<string>());
        Assert.DoesNotContain(outputs, output => output.Value!["Value"]!.ToJsonString().Contains("https://\",{\"Fn::GetAtt\"", StringComparison.Ordinal));

        var withoutDomain = new Dictionary<string, object>(DocumentedDeployments.Contexts["https"]);
        withoutDomain.Remove("domainName");
        var refused = Assert.Throws<DeploymentRefusedException>(() => AwsSynthesis.Of(AwsSynthesis.CommittedManifest(), withoutDomain));
        Assert.Contains("domainName", refused.Message);
        Assert.Contains("domainName", DocumentedSwitchRow("domainName"));
    }

    /// <summary>
    /// An alias record for a load balancer names the load balancer's DNS name and its hosted zone id, the load balancer's
    /// CanonicalHostedZoneID ("AliasTarget", AWS::Route53::RecordSet,
    /// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-route53-recordset-aliastarget.html).
    /// </summary>
    [Fact]
    public void A_hosted_zone_gets_an_alias_of_the_load_balancer_for_the_domain_name()
    {
        var synthesis = DocumentedDeployments.Get("https-route53");
        var loadBalancer = Assert.Single(synthesis.Resources("todo-api", "AWS::ElasticLoadBalancingV2::LoadBalancer")).Key;

        var record = Assert.Single(synthesis.Resources("todo-api", "AWS::Route53::RecordSet").Values)["Properties"]!;
        Assert.Equal(("A", "todo.example.com.", "Z0123456789ABCDEFGHIJ"),
            (record["Type"]!.GetValue<string>(), record["Name"]!.GetValue<string>(), record["HostedZoneId"]!.GetValue<string>()));
        Assert.Equal($"{{\"Fn::GetAtt\":[\"{loadBalancer}\",\"CanonicalHostedZoneID\"]}}", record["AliasTarget"]!["HostedZoneId"]!.ToJsonString());
        Assert.Contains($"{{\"Fn::GetAtt\":[\"{loadBalancer}\",\"DNSName\"]}}", record["AliasTarget"]!["DNSName"]!.ToJsonString());
        Assert.Empty(DocumentedDeployments.Get("https").Resources("todo-api", "AWS::Route53::RecordSet"));
        Assert.Contains("hostedZoneId", DocumentedSwitchRow("hostedZoneId"));
    }

    [Fact]
    public void The_web_acl_switch_puts_managed_rule_groups_and_a_rate_limit_in_front_of_the_load_balancer()
    {
        var synthesis = DocumentedDeployments.Get("web-acl");

        var acl = Assert.Single(synthesis.Resources("todo-api", "AWS::WAFv2::WebACL")).Value["Properties"]!;
        var rules = acl["Rules"]!.AsArray().Select(rule => rule!).ToList();
        Assert.Equal("REGIONAL", acl["Scope"]!.GetValue<string>());
        Assert.Equal(["AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"],
            rules.Select(rule => rule["Statement"]!["ManagedRuleGroupStatement"]?["Name"]?.GetValue<string>()).OfType<string>().Order());
        var rate = Assert.Single(rules, rule => rule["Statement"]!["RateBasedStatement"] is not null)["Statement"]!["RateBasedStatement"]!;
        Assert.Equal(500, rate["Limit"]!.GetValue<int>());
        Assert.Equal("IP", rate["AggregateKeyType"]!.GetValue<string>());
        var association = Assert.Single(synthesis.Resources("todo-api", "AWS::WAFv2::WebACLAssociation").Values)["Properties"]!;
        Assert.Contains("ServiceLB", association["ResourceArn"]!.ToJsonString());
        Assert.Empty(defaults.Synthesis.Resources("todo-api", "AWS::WAFv2::WebACL"));
    }

    private static string DocumentedSwitchRow(string key) =>
        File.ReadLines(Path.Combine(Repository.Root, "docs", "aws.md")).Single(line => line.StartsWith($"| `{key}`", StringComparison.Ordinal));
}
