namespace AntiDistill.Tests.Engine;

/// <summary>The request path allocates nothing for a known account, with linkage on or off (a count of bytes, not a timing).</summary>
public class AllocationTests
{
    [AllocationTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void Observe_WarmAccount_AllocatesNothing(bool linkage)
    {
        // A small linkage queue, so that the warm-up takes it once around: its blocks are allocated on the first lap.
        var engine = TestEngine.Create(o =>
        {
            o.Linkage.Enabled = linkage;
            o.Linkage.QueueCapacity = 1024;
        });
        var account = engine.Account(1);
        byte[] prompt = TestText.Utf8(TestText.Words(3, 400) + " Think step by step and show your reasoning.");
        byte[] system = TestText.Utf8("You are a helpful assistant.");
        var client = new ClientAttributes { Payment = 1, Device = 2, IpPrefix = 3, UserAgent = 4, TlsFingerprint = 5, EmailDomain = 6 };
        var at = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

        float Observe(int i) => engine.Observe(new Observation
        {
            Account = account,
            Timestamp = at.AddSeconds(i),
            Prompt = prompt,
            SystemPrompt = system,
            TurnCount = 1,
            MaxOutputTokens = 32000,
            ReasoningRequested = true,
            Client = client,
        }).Risk;

        // Warm up: JIT, the store's slot, the linker's node and the queue's slots (the warm-up fills it).
        for (int i = 0; i < 3000; i++)
        {
            Observe(i);
        }

        engine.ProcessLinkage();
        float sink = 0;
        int next = 3000;
        long allocated = AllocationCounter.Least(() =>
        {
            for (int end = next + 1000; next < end; next++)
            {
                sink += Observe(next);
            }
        });

        Assert.Equal(0, allocated);
        Assert.True(sink > 0);
    }
}
