namespace AntiDistill.Simulation;

/// <summary>
/// The follow-ups a user model writes in a dialogue harvest (UltraChat's and Baize's generators): each one about the
/// conversation's own topic, in varied words, so that no two accounts share a follow-up string or a fixed frame. A
/// model asked to "play a curious user" writes this way; a fixed list of follow-ups would let the detector link the
/// accounts by their strings, which is evidence a real harvester does not leave.
/// </summary>
/// <remarks>Written for this simulator in the style of UltraChat's user turns (not copied from any dataset).</remarks>
internal static class UserModelAsks
{
    private static readonly string[] Acknowledgements =
    [
        "", "", "", "Thanks. ", "That makes sense. ", "Interesting! ", "Got it. ", "I see. ", "Great explanation. ", "Okay, ",
        "Hmm, ", "That's useful. ", "Nice, ", "Right. ",
    ];

    private static readonly string[] Asks =
    [
        "can you go deeper into {0} and why it matters?",
        "what would a critic say about {0}?",
        "could you give a detailed real-world example involving {0}?",
        "how does {0} compare with the alternatives?",
        "what would an expert add about {0} that a beginner might miss?",
        "please summarize what we covered on {0} and apply it to a new case.",
        "what mistakes do people usually make with {0}?",
        "why does {0} work that way? I'd like the underlying reasons.",
        "how has thinking about {0} changed over time?",
        "what are the limits of {0}?",
        "can you walk me through {0} as if I were new to it?",
        "which part of {0} is most often misunderstood, and why?",
        "how would you teach {0} to a class of students?",
        "what evidence supports your view of {0}?",
        "if you had to bet, how will {0} develop in the next ten years?",
        "could you break {0} into steps and explain each one?",
        "what questions about {0} are still open?",
        "how would {0} play out in a different country or culture?",
        "what is the single most important thing to remember about {0}?",
        "could you contrast the best and worst approaches to {0}?",
        "tell me more about the trade-offs in {0}.",
        "how would you explain {0} with an analogy?",
        "what practical advice follows from {0}?",
        "what would change about {0} if the situation were reversed?",
    ];

    private static readonly string[] Topics = ["this", "that", "the last point", "your second point", "the idea"];

    /// <summary>The next follow-up in a dialogue opened by <paramref name="opener"/>.</summary>
    public static string Next(string opener, Random rng)
    {
        string ack = Acknowledgements[rng.Next(Acknowledgements.Length)];
        string ask = string.Format(System.Globalization.CultureInfo.InvariantCulture, Asks[rng.Next(Asks.Length)], Topic(opener, rng));
        return ack.Length == 0 || ack.EndsWith(", ", StringComparison.Ordinal) ? ack + ask : ack + char.ToUpperInvariant(ask[0]) + ask[1..];
    }

    /// <summary>A phrase of the opener's (two of its longer words, in order), or a pronoun now and then.</summary>
    private static string Topic(string opener, Random rng)
    {
        var words = opener.Split([' ', '\n', '\t', ',', '.', '?', '!', ':', ';', '"', '(', ')'], StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w.Length >= 5 && w.All(char.IsLetter))
            .ToArray();
        if (words.Length < 2 || rng.NextDouble() < 0.2)
        {
            return Topics[rng.Next(Topics.Length)];
        }

        int i = rng.Next(words.Length - 1);
        return $"{words[i].ToLowerInvariant()} and {words[i + 1 + rng.Next(words.Length - i - 1)].ToLowerInvariant()}";
    }
}
