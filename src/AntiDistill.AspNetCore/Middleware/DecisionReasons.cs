using System.Globalization;
using System.Text;

namespace AntiDistill.AspNetCore;

/// <summary>The few signals that weigh most in an assessment, as a reviewer reads them in a log line.</summary>
internal static class DecisionReasons
{
    private const int Shown = 3;

    /// <summary>E.g. <c>cot_elicitation +0.31, template_repetition +0.22, cluster c-0007 (4 links)</c>; only called for lines that are logged.</summary>
    public static string Top(in Assessment assessment)
    {
        Span<int> top = stackalloc int[Shown];
        top.Fill(-1);
        var signals = assessment.Signals;
        for (int i = 0; i < signals.Length; i++)
        {
            if (signals[i].Contribution <= 0)
            {
                continue;
            }

            // Insertion into a three-slot ranking, largest contribution first.
            int at = Shown;
            while (at > 0 && (top[at - 1] < 0 || signals[top[at - 1]].Contribution < signals[i].Contribution))
            {
                at--;
            }

            if (at < Shown)
            {
                top[at..^1].CopyTo(top[(at + 1)..]);
                top[at] = i;
            }
        }

        var text = new StringBuilder();
        foreach (int i in top)
        {
            if (i >= 0)
            {
                Append(text, string.Create(CultureInfo.InvariantCulture, $"{signals[i].Name} +{signals[i].Contribution:0.00}"));
            }
        }

        if (assessment.Cluster.IsValid)
        {
            int links = 0;
            foreach (int count in assessment.ClusterEvidence)
            {
                links += count;
            }

            Append(text, string.Create(CultureInfo.InvariantCulture, $"cluster {assessment.Cluster} risk {assessment.ClusterRisk:0.00} ({links} links)"));
        }

        return text.Length == 0 ? "none" : text.ToString();
    }

    private static void Append(StringBuilder text, string part) => text.Append(text.Length == 0 ? string.Empty : ", ").Append(part);
}
