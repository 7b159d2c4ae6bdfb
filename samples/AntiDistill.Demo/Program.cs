// The engine on simulated traffic: organic users, the false-positive traps, and single-account
// harvesting sweeps, replayed request by request as the middleware would see them.
//
//   dotnet run -c Release --project samples/AntiDistill.Demo [-- --corpora ../shared/data/corpora]
//
// Without --corpora the prompts come from the simulator's built-in generator, so this runs from a fresh clone.
using System.Diagnostics;
using System.Globalization;
using AntiDistill;
using AntiDistill.Simulation;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int corporaArg = Array.IndexOf(args, "--corpora");
var prompts = corporaArg >= 0 && corporaArg + 1 < args.Length ? PromptLibrary.Load(args[corporaArg + 1]) : PromptLibrary.BuiltIn();

var scenario = new Scenario()
    .Add(new OrganicCasual(), 300)
    .Add(new OrganicHeavyUser(), 5)
    .Add(new OrganicCodingAgent(), 40)
    .Add(new OrganicBatchJob(), 3)
    .Add(new OrganicBenchmarkEvaluator(), 5)
    .Add(new OrganicNatGroup(), 150)
    .Add(new OrganicTeam(), 15)
    .Add(new CampaignCotSweep(), 30)
    .Add(new CampaignGradingSweep(), 10)
    .Add(new CampaignHydra(), 500)
    .Add(new CampaignAgenticHarvest(), 100);
var start = new DateTimeOffset(2026, 4, 6, 0, 0, 0, TimeSpan.Zero);
var traffic = scenario.Generate(seed: 42, prompts, start, TimeSpan.FromDays(3));

var engine = new DistillationEngine(new AntiDistillationOptions());
var replay = new EngineReplay(engine);
var accounts = new Dictionary<string, (string Population, bool Campaign, int Requests, int? FirstFlag, Assessment Last)>();
var clock = Stopwatch.StartNew();
foreach (var request in traffic)
{
    var assessment = replay.Observe(request);
    accounts.TryGetValue(request.Account, out var a);
    int requests = a.Requests + 1;
    int? firstFlag = a.FirstFlag ?? (assessment.Verdict >= Verdict.Suspicious ? requests : null);
    accounts[request.Account] = (request.Population, request.IsCampaign, requests, firstFlag, assessment);
}

clock.Stop();
Console.WriteLine($"Replayed {traffic.Count:N0} requests from {accounts.Count:N0} accounts in {clock.Elapsed.TotalSeconds:N2} s ({(prompts.FromCorpora ? "corpora" : "built-in")} prompts).");
Console.WriteLine();
Console.WriteLine($"{"population",-26} {"accounts",8} {"flagged",8} {"campaign",9} {"clustered",10} {"median first flag",18}");
foreach (var group in accounts.Values.GroupBy(a => a.Population).OrderBy(g => g.First().Campaign).ThenBy(g => g.Key))
{
    var firsts = group.Where(a => a.FirstFlag is not null).Select(a => a.FirstFlag!.Value).Order().ToList();
    Console.WriteLine($"{group.Key,-26} {group.Count(),8} {group.Count(a => a.FirstFlag is not null),8} {group.Count(a => a.Last.Verdict == Verdict.Campaign),9} {group.Count(a => a.Last.Cluster.IsValid),10} {(firsts.Count == 0 ? "-" : firsts[firsts.Count / 2].ToString()),18}");
}

var clusters = engine.GetClusters();
Console.WriteLine();
Console.WriteLine($"{clusters.Count} clusters; the largest:");
foreach (var cluster in clusters.OrderByDescending(c => c.Accounts.Count).Take(5))
{
    string evidence = string.Join(", ", cluster.Evidence.Select(kv => $"{LinkKindNames.GetName(kv.Key)} {kv.Value}"));
    Console.WriteLine($"  {cluster.Id}  {cluster.Accounts.Count,4} accounts  risk {cluster.Risk:0.00}  {cluster.Verdict.ToString().ToLowerInvariant(),-10}  {evidence}");
    Console.WriteLine($"           distinct content {cluster.DistinctContent.Cluster:N0} together, at most {cluster.DistinctContent.LargestMember:N0} for one account");
}

var example = accounts.Where(kv => kv.Value.Campaign).OrderByDescending(kv => kv.Value.Last.Risk).First();
Console.WriteLine();
Console.WriteLine($"Why {example.Key} is rated {example.Value.Last.Verdict.ToString().ToLowerInvariant()} (risk {example.Value.Last.Risk:0.00}, first flagged at request {example.Value.FirstFlag}):");
foreach (var signal in example.Value.Last.Signals.ToArray().OrderByDescending(s => s.Contribution))
{
    Console.WriteLine($"  {signal.Name,-20} value {signal.Value,5:0.00}  contribution {signal.Contribution,6:0.000}");
}
