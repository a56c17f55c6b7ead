// Runs cdk-nag's AwsSolutions rule pack over synthesized CloudFormation templates, offline: each template is read
// back into a CDK app (cloudformation-include keeps every resource's Metadata, so the suppressions written into the
// template are the ones that count) and the pack visits every resource.
// Usage: node nag-templates.mjs <jobs.json>, where jobs.json is [{ "template": <path>, … }].
// Prints a JSON array of { template, resource, rule, level, finding, suppressed, reason, info }: every finding,
// suppressed or not, and every rule that could not be evaluated (level "Error", rule "<rule>:error").
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Aspects, DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { AwsSolutionsChecks } from 'cdk-nag';

const jobs = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const findings = [];
for (const { template } of jobs) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'todo-nag-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Checked', { synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }) });
  const included = new CfnInclude(stack, 'Template', { templateFile: template });
  stack.templateOptions.metadata = JSON.parse(readFileSync(template, 'utf8')).Metadata;
  const logicalId = resource => included.node.children.find(child => child === resource)?.node.id ?? resource.node.id;
  const report = (data, extra) => findings.push({
    template,
    resource: logicalId(data.resource),
    rule: data.ruleId,
    level: String(data.ruleLevel),
    finding: data.findingId ?? null,
    info: data.ruleInfo,
    ...extra,
  });
  const logger = {
    onCompliance() {},
    onNotApplicable() {},
    onNonCompliance: data => report(data, { suppressed: false, reason: null }),
    onSuppressed: data => report(data, { suppressed: true, reason: data.suppressionReason }),
    onError: data => report({ ...data, ruleId: `${data.ruleId}:error` }, { suppressed: false, reason: data.errorMessage }),
    onSuppressedError: data => report({ ...data, ruleId: `${data.ruleId}:error` }, { suppressed: true, reason: data.errorSuppressionReason }),
  };
  Aspects.of(app).add(new AwsSolutionsChecks({ logIgnores: true, reports: false, additionalLoggers: [logger] }));
  try {
    app.synth();
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
process.stdout.write(JSON.stringify(findings));
