// The first command of the README: simulate a small traffic mix (organic users, the false-positive traps and
// three kinds of distillation campaign), analyze it with `antidistill analyze`, print what was found.
//
//   dotnet run -c Release --project samples/AntiDistill.Demo [-- --scale 0.25 --days 3 --seed 1 --out artifacts/demo]
//
// No Redis, no corpora, no network: the prompts come from the simulator's built-in generator unless --corpora is given.
using System.CommandLine;
using System.Globalization;
using AntiDistill.Demo;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;

var output = new Option<DirectoryInfo>("--out", "-o")
{
    HelpName = "DIR",
    Description = "Where the simulated log, its truth file and the reports go.",
    DefaultValueFactory = _ => new DirectoryInfo(DemoSettings.DefaultOutput),
};
var scale = new Option<double>("--scale")
{
    HelpName = "X",
    Description = "Size of the traffic mix (1 is about 2,500 accounts and 200,000 requests a week).",
    DefaultValueFactory = _ => DemoSettings.DefaultScale,
};
var days = new Option<int>("--days") { HelpName = "DAYS", Description = "Days of traffic.", DefaultValueFactory = _ => DemoSettings.DefaultDays };
var seed = new Option<int>("--seed") { HelpName = "N", Description = "Random seed of the simulation.", DefaultValueFactory = _ => 1 };
var corpora = new Option<DirectoryInfo?>("--corpora")
{
    HelpName = "DIR",
    Description = "Prompt corpora (e.g. ../shared/data/corpora) instead of the built-in generator.",
};

var root = new RootCommand("AntiDistill demo: simulate LLM API traffic with distillation campaigns, analyze it, print the findings.")
{
    output, scale, days, seed, corpora,
};
root.SetAction((parse, cancellation) => DemoRun.RunAsync(
    new DemoSettings
    {
        Output = parse.GetRequiredValue(output).FullName,
        Scale = parse.GetValue(scale),
        Days = parse.GetValue(days),
        Seed = parse.GetValue(seed),
        Corpora = parse.GetValue(corpora)?.FullName,
    },
    parse.InvocationConfiguration.Output,
    parse.InvocationConfiguration.Error,
    cancellation));

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
