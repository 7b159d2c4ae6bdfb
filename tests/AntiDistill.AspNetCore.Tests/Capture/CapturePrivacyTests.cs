using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AntiDistill.AspNetCore.Tests.Capture;

/// <summary>What the files must never hold: keys, account ids, addresses in clear, and (unless retained) message text.</summary>
public class CapturePrivacyTests
{
    private const string CanaryKey = "sk-canary-7f3e9a1b2c4d";
    private const string CanaryAccount = "acct-canary-raw-4242";
    private const string CanaryCard = "pm_canary_card_9911";
    private const string CanaryAddress = "198.51.100.203";
    private const string CanaryPrompt = "CanaryPromptText about the zebra harmonica";
    private const string CanarySystem = "CanarySystemPrompt of the scaffold";

    private sealed class Profiles : IAccountProfileProvider
    {
        public ValueTask<AccountProfile?> GetProfileAsync(HttpContext context, AccountId account, CancellationToken cancellationToken) =>
            ValueTask.FromResult<AccountProfile?>(new AccountProfile { AccountId = CanaryAccount, PaymentFingerprint = CanaryCard, EmailDomain = "canary.example" });
    }

    private static async Task<string> CaptureAsync(bool retainPrompts)
    {
        using var folder = new CaptureFolder();
        await using (var host = await TestHost.StartAsync(Settings.Always(AntiDistillationAction.Allow, shadow: true), b => b
            .AddAccountProfiles(new Profiles())
            .AddRequestCapture(o => (o.Directory, o.RetainPrompts) = (folder.Path, retainPrompts))))
        {
            const string tools = """
                "tools":[{"type":"function","function":{"name":"canary_tool","parameters":{"type":"object","properties":{"canary_field":{"type":"string"}}}}}]}
                """;
            string body = $$$"""
                {"model":"gpt-test","user":"{{{CanaryAccount}}}","metadata":{"customer":"{{{CanaryAccount}}}"},"max_completion_tokens":300,
                 "messages":[{"role":"system","content":"{{{CanarySystem}}}"},{"role":"user","content":"{{{CanaryPrompt}}}"}],
                """ + tools;
            using var response = await host.Client.SendAsync(TestHost.Post(Bodies.ChatPath, body, CanaryKey, forwardedFor: CanaryAddress));
            Assert.True(response.IsSuccessStatusCode);
            await host.App.StopAsync();
        }

        return string.Join('\n', folder.Lines());
    }

    [Fact]
    public async Task Capture_PromptsNotRetained_NoKeyAccountAddressOrText()
    {
        string text = await CaptureAsync(retainPrompts: false);

        Assert.Contains("\"account\":", text, StringComparison.Ordinal);
        foreach (string canary in new[] { CanaryKey, CanaryAccount, CanaryCard, CanaryAddress, "canary.example", "Canary", "canary" })
        {
            Assert.DoesNotContain(canary, text, StringComparison.Ordinal);
        }

        // The shape stays: roles, the tool, the budget (what the analyzer reads for turns, tools and budgets).
        Assert.Contains("\"role\":\"system\"", text, StringComparison.Ordinal);
        Assert.Contains("\"max_completion_tokens\":300", text, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"function\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Capture_PromptsRetained_TextKeptIdentitiesStillHashed()
    {
        string text = await CaptureAsync(retainPrompts: true);

        Assert.Contains(CanaryPrompt, text, StringComparison.Ordinal);
        Assert.Contains(CanarySystem, text, StringComparison.Ordinal);
        foreach (string canary in new[] { CanaryKey, CanaryAccount, CanaryCard, CanaryAddress, "canary.example" })
        {
            Assert.DoesNotContain(canary, text, StringComparison.Ordinal);
        }
    }
}
