using System.Globalization;
using System.Text;

namespace AntiDistill.Simulation;

/// <summary>
/// Self-instruct bootstrapping (Wang et al. 2022; the Alpaca data recipe): part of the traffic asks the model to write
/// new task instructions from a few seed tasks, the rest asks it to complete instructions in the instruction/response
/// layout the student is fine-tuned on. The seeds and instructions come from public instruction collections
/// (user-oriented instructions, GPTeacher). Quiet: see <see cref="QuietOperator"/>.
/// </summary>
public sealed class CampaignSelfInstruct : QuietOperator
{
    private static readonly PromptKind[] Seeds = [PromptKind.Organic, PromptKind.Roleplay, PromptKind.Coding];

    /// <summary>Share of harvest requests that ask for new instructions rather than for a completion. Default 0.3.</summary>
    public double GenerationShare { get; init; } = 0.3;

    /// <summary>The family's own scheduler.</summary>
    public CampaignSelfInstruct()
    {
        WindowStartHour = 7;
        WindowHours = 16;
        RequestsPerDay = 7;
        OperatorUtcOffset = 3;
        HarvestBudget = 1024;
    }

    /// <inheritdoc />
    public override string Name => "campaign_self_instruct";

    /// <inheritdoc />
    protected override SimulatedRequest Harvest(PopulationContext context, string account, DateTimeOffset at, Random rng)
    {
        var seed = context.Prompts.Pick(Seeds[rng.Next(Seeds.Length)], rng);
        if (rng.NextDouble() >= GenerationShare)
        {
            string completion = "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n"
                + "### Instruction:\n" + seed.Text + "\n\n### Response:";
            return Request(account, at, seed with { Text = completion }) with { MaxOutputTokens = HarvestBudget };
        }

        int count = 10 + (5 * rng.Next(3));
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"You are asked to come up with a set of {count} diverse task instructions. ")
            .Append("The instructions should vary in verb and type of task (open-ended generation, classification, editing, brainstorming, ")
            .Append("rewriting, coding), be written in one or two sentences, and be answerable by a language model. Here are some examples:\n");
        for (int i = 1; i <= 3; i++)
        {
            var example = i == 1 ? seed : context.Prompts.Pick(Seeds[rng.Next(Seeds.Length)], rng);
            text.Append(CultureInfo.InvariantCulture, $"{i}. {Trim(example.Text)}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"List of {count} tasks:\n4.");
        return Request(account, at, seed with { Text = text.ToString() }) with { MaxOutputTokens = HarvestBudget };
    }

    private static string Trim(string text) => text.Length <= 300 ? text.Replace('\n', ' ') : text[..300].Replace('\n', ' ');
}
