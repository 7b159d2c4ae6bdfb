using FsCheck.Xunit;

namespace AntiDistill.Tests.Features;

public class PromptFeatureExtractorTests
{
    [Property]
    public bool Extract_ArbitraryBytes_NeverThrowsAndIsDeterministic(byte[] bytes, byte[] system, byte tools)
    {
        PromptFeatureExtractor.Default.Extract(bytes ?? [], system ?? [], tools, out var first);
        PromptFeatureExtractor.Default.Extract(bytes ?? [], system ?? [], tools, out var second);
        return first.SimHash == second.SimHash
            && first.TemplateFingerprint == second.TemplateFingerprint
            && first.MinHash.EstimateJaccard(second.MinHash) == 1.0
            && first.Capability == second.Capability
            && first.Bytes == (bytes?.Length ?? 0);
    }

    [Property]
    public bool Extract_AfterAnyOtherPrompt_GivesTheSameFeatures(byte[] bytes, byte[] before, byte[] other)
    {
        // The scanner's scratch (stack or pooled) holds the previous prompt's bytes; nothing may leak into the next one.
        bytes ??= [];
        PromptFeatureExtractor.Default.Extract(before ?? [], default, 0, out _);
        PromptFeatureExtractor.Default.Extract(bytes, default, 0, out var first);
        PromptFeatureExtractor.Default.Extract(other ?? [], default, 0, out _);
        PromptFeatureExtractor.Default.Extract(bytes, default, 0, out var second);
        return Same(first, second);
    }

    [Fact]
    public void Extract_LargePromptAfterGarbage_GivesTheSameFeatures()
    {
        // Past the stack buffer the scratch is a pooled array: fill it with garbage, then scan code with fences everywhere.
        var garbage = new byte[70_000];
        new Random(3).NextBytes(garbage);
        var prompt = TestText.Utf8(string.Concat(Enumerable.Range(0, 400).Select(i => $"step {i} ``` code_{i} = {i}; ``` \"q{i}\" \n- item\n")));
        PromptFeatureExtractor.Default.Extract(prompt, default, 0, out var clean);
        PromptFeatureExtractor.Default.Extract(garbage, default, 0, out _);
        PromptFeatureExtractor.Default.Extract(prompt, default, 0, out var dirty);
        Assert.True(Same(clean, dirty));
    }

    [Fact]
    public void Extract_FenceOrNumberAcrossABlockBoundary_IsMaskedLikeAnywhereElse()
    {
        // The scanner works in 64-byte blocks; a fence ("```") or a number split by a block edge must mask the same.
        for (int pad = 40; pad < 140; pad++)
        {
            string prefix = new string('a', pad) + " Fix this:\n";
            var a = TestText.Features(prefix + "```\nint x = 1;\n```\nThanks");
            var b = TestText.Features(prefix + "```\nvar y = list.Count;\n```\nThanks");
            Assert.Equal(a.TemplateFingerprint, b.TemplateFingerprint);
            Assert.Equal(Capability.Coding, a.Capability);

            var n1 = TestText.Features(prefix + "pay 1234567890123 dollars now");
            var n2 = TestText.Features(prefix + "pay 9876543210987 dollars now");
            Assert.Equal(n1.TemplateFingerprint, n2.TemplateFingerprint);
        }
    }

    private static bool Same(in PromptFeatures a, in PromptFeatures b) =>
        a.SimHash == b.SimHash && a.TemplateFingerprint == b.TemplateFingerprint && a.Frames == b.Frames
        && a.MinHash.EstimateJaccard(b.MinHash) == 1.0 && a.Capability == b.Capability && a.Elicitation == b.Elicitation
        && a.Words == b.Words && a.Shingles == b.Shingles;

    [Fact]
    public void Extract_InvalidUtf8_CountsWordsWithoutThrowing()
    {
        byte[] invalid = [0xC3, 0x28, 0x20, 0xFF, 0xFE, 0x20, 0xE2, 0x82, 0x20, 0x61, 0x62];
        PromptFeatureExtractor.Default.Extract(invalid, default, 0, out var features);
        Assert.Equal(4, features.Words);
        Assert.False(features.MinHash.IsEmpty);
    }

    [Fact]
    public void Extract_EmptyPrompt_HasNoWordsAndEmptySketch()
    {
        var features = TestText.Features("");
        Assert.Equal(0, features.Words);
        Assert.Equal(0, features.Shingles);
        Assert.Equal(0UL, features.SimHash);
        Assert.True(features.MinHash.IsEmpty);
        Assert.Equal(Capability.ChitChat, features.Capability);
    }

    [Fact]
    public void Extract_OneOrTwoWords_StillGetsASketch()
    {
        Assert.False(TestText.Features("hello").MinHash.IsEmpty);
        Assert.False(TestText.Features("hello world").MinHash.IsEmpty);
        Assert.NotEqual(TestText.Features("hello").SimHash, TestText.Features("goodbye").SimHash);
    }

    [Fact]
    public void Extract_CaseAndPunctuation_AreNormalized()
    {
        var a = TestText.Features("What is the capital of France?");
        var b = TestText.Features("what IS the capital, of france");
        Assert.Equal(a.SimHash, b.SimHash);
        Assert.Equal(1.0, a.MinHash.EstimateJaccard(b.MinHash));
    }

    [Theory]
    [InlineData("Solve this. Think step by step.", ElicitationFamilies.StepByStep)]
    [InlineData("Solve this and explain step-by-step", ElicitationFamilies.StepByStep)]
    [InlineData("Write out your complete internal reasoning before answering.", ElicitationFamilies.ReasoningDisclosure)]
    [InlineData("Use chain of thought.", ElicitationFamilies.ReasoningDisclosure)]
    [InlineData("Reconstruct the reasoning behind this answer: 42.", ElicitationFamilies.Reconstruction)]
    [InlineData("Then double check every number.", ElicitationFamilies.SelfVerification)]
    [InlineData("Rate the response below on a scale of 1 to 10.", ElicitationFamilies.Grading)]
    [InlineData("Löse die Aufgabe Schritt für Schritt.", ElicitationFamilies.StepByStep)]
    [InlineData("Resuelve el problema paso a paso.", ElicitationFamilies.StepByStep)]
    public void Extract_ElicitationPhrases_AreFound(string prompt, ElicitationFamilies expected)
    {
        Assert.True((TestText.Features(prompt).Elicitation & expected) == expected);
    }

    [Theory]
    [InlineData("I took the stairs step by step")]
    [InlineData("what time does the museum open on sunday")]
    [InlineData("Tell me a story about a step and a thought")]
    public void Extract_OrdinaryText_HasNoChainOfThoughtElicitationUnlessThePhraseIsWhole(string prompt)
    {
        var features = TestText.Features(prompt);
        bool hasWholePhrase = prompt.Contains("step by step", StringComparison.Ordinal);
        Assert.Equal(hasWholePhrase, features.ElicitsChainOfThought);
        Assert.False(features.ElicitsGrading);
    }

    [Theory]
    [InlineData("Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?", Capability.Math)]
    [InlineData("Write a Python function that parses a CSV file and returns a list of dicts. Include tests.", Capability.Coding)]
    [InlineData("```js\nfunction add(a, b) { return a + b; }\n```\nWhy does this return NaN?", Capability.Coding)]
    [InlineData("Write a short poem about the sea, then a story with a pirate character.", Capability.Creative)]
    [InlineData("Rate the response below on a scale of 1 to 10 according to the rubric.", Capability.Grading)]
    [InlineData("If all bloops are razzies and some razzies are lazzies, which of the following options must be true? Deduce the valid conclusion.", Capability.Reasoning)]
    [InlineData("what is the best pizza place near me", Capability.ChitChat)]
    public void Extract_Capability_FollowsTheContent(string prompt, Capability expected)
    {
        Assert.Equal(expected, TestText.Features(prompt).Capability);
    }

    [Fact]
    public void Extract_ToolsDeclared_VoteForAgentic()
    {
        Assert.Equal(Capability.Agentic, TestText.Features("Book me a table for two tonight.", tools: 6).Capability);
    }

    [Fact]
    public void Extract_SameTemplateDifferentVariables_ShareTemplateFingerprint()
    {
        var a = TestText.Features("Classify the sentiment of this review as positive or negative: \"The food was great\" (id 1832)");
        var b = TestText.Features("Classify the sentiment of this review as positive or negative: \"Never again, cold fries and rude staff\" (id 77)");
        var c = TestText.Features("Summarize this review in one sentence: \"The food was great\" (id 1832)");
        Assert.Equal(a.TemplateFingerprint, b.TemplateFingerprint);
        Assert.NotEqual(a.TemplateFingerprint, c.TemplateFingerprint);
    }

    [Fact]
    public void Extract_CodeAndLongListsAreMasked_InTheTemplate()
    {
        var a = TestText.Features("Fix this:\n```\nint x = 1;\n```\nThanks");
        var b = TestText.Features("Fix this:\n```\nvar list = new List<string> { \"a\" };\nforeach (var s in list) Console.WriteLine(s);\n```\nThanks");
        Assert.Equal(a.TemplateFingerprint, b.TemplateFingerprint);

        var list1 = TestText.Features("Sort these:\n- apple\n- pear\n- fig\n- kiwi\n- plum\nDone");
        var list2 = TestText.Features("Sort these:\n- apple\n- pear\n- fig\n- melon\n- grape\nDone");
        Assert.Equal(list1.TemplateFingerprint, list2.TemplateFingerprint);
    }

    [Fact]
    public void Extract_SystemPrompt_IsFingerprintedNotScanned()
    {
        var with = TestText.Features("hi", system: "You are a coding agent.");
        var other = TestText.Features("hi", system: "You are a helpful assistant.");
        Assert.NotEqual(0UL, with.SystemPromptFingerprint);
        Assert.NotEqual(with.SystemPromptFingerprint, other.SystemPromptFingerprint);
        Assert.Equal(0UL, TestText.Features("hi").SystemPromptFingerprint);
        Assert.Equal(with.SimHash, other.SimHash);
    }

    [Fact]
    public void Extract_NearDuplicate_IsCloserThanUnrelated()
    {
        string baseText = TestText.Words(1, 120);
        var original = TestText.Features(baseText);
        var edited = TestText.Features(baseText.Replace(baseText[..20], "completely new words here ", StringComparison.Ordinal));
        var unrelated = TestText.Features(TestText.Words(2, 120));
        int near = System.Numerics.BitOperations.PopCount(original.SimHash ^ edited.SimHash);
        int far = System.Numerics.BitOperations.PopCount(original.SimHash ^ unrelated.SimHash);
        Assert.True(near < 12, $"near-duplicate distance {near}");
        Assert.True(far > 18, $"unrelated distance {far}");
        Assert.True(original.MinHash.EstimateJaccard(edited.MinHash) > 0.7);
        Assert.True(original.MinHash.EstimateJaccard(unrelated.MinHash) < 0.15);
    }

    [Fact]
    public void Extract_Sizes_AreReported()
    {
        var features = TestText.Features("one two three four five six");
        Assert.Equal(6, features.Words);
        Assert.Equal(4, features.Shingles);
        Assert.Equal(27, features.Bytes);
        Assert.Equal(8, features.EstimatedTokens);
    }

    [Fact]
    public void Extract_HugePrompt_IsHandled()
    {
        var huge = new byte[4 << 20];
        new Random(5).NextBytes(huge);
        PromptFeatureExtractor.Default.Extract(huge, default, 0, out var features);
        Assert.Equal(huge.Length, features.Bytes);
        Assert.True(features.Words > 1000);
    }
}
