using System.CommandLine;
using AntiDistill.Cli.Analyze;
using AntiDistill.Cli.Simulate;

var root = new RootCommand("Find model-distillation campaigns in LLM API request logs, and simulate the traffic to test against.")
{
    AnalyzeCommand.Create(),
    SimulateCommand.Create(),
};

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
