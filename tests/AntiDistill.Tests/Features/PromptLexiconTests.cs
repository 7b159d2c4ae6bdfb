namespace AntiDistill.Tests.Features;

public class PromptLexiconTests
{
    [Fact]
    public void Builder_NewLanguagePhrase_IsDetected()
    {
        var lexicon = PromptLexicon.CreateBuilder()
            .AddPhrase(ElicitationFamilies.StepByStep, "étape par étape")
            .AddKeyword(Capability.Math, "calculez", 3)
            .Build();
        var extractor = new PromptFeatureExtractor(lexicon);

        extractor.Extract(TestText.Utf8("Calculez la somme étape par étape."), default, 0, out var features);

        Assert.Equal(ElicitationFamilies.StepByStep, features.Elicitation);
        Assert.Equal(Capability.Math, features.Capability);
    }

    [Fact]
    public void Builder_InvalidEntries_AreRefusedClearly()
    {
        var builder = PromptLexicon.CreateBuilder();
        Assert.Throws<ArgumentException>(() => builder.AddKeyword(Capability.Math, "two words"));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddKeyword(Capability.Math, "sum", 0));
        Assert.Throws<ArgumentException>(() => builder.AddPhrase(ElicitationFamilies.ChainOfThought, "think"));
        Assert.Throws<ArgumentException>(() => builder.AddPhrase(ElicitationFamilies.StepByStep, "one two three four five six seven eight nine"));
        Assert.Throws<ArgumentException>(() => builder.AddPhrase(ElicitationFamilies.StepByStep, "   "));
    }

    [Fact]
    public void Default_ContainsSeveralLanguages()
    {
        Assert.True(PromptLexicon.Default.PhraseCount > 80);
    }

    [Fact]
    public void Extract_PhraseSplitAcrossUnrelatedWords_IsNotMatched()
    {
        var features = TestText.Features("step carefully by the step");
        Assert.Equal(ElicitationFamilies.None, features.Elicitation);
    }
}
