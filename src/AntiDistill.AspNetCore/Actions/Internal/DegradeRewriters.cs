using System.Buffers;
using AntiDistill.Requests;

namespace AntiDistill.AspNetCore;

/// <summary>The order degrade rewriters are asked in: the host's first (so a host can take over a built-in format), then the built-in ones.</summary>
internal static class DegradeRewriters
{
    public static IDegradeRequestRewriter[] Ordered(IEnumerable<IDegradeRequestRewriter> registered)
    {
        var all = registered.ToList();
        return [.. all.Where(r => r is not BuiltInDegradeRewriter), .. all.OfType<BuiltInDegradeRewriter>()];
    }
}

/// <summary>
/// The built-in rewriter of one of the three JSON formats the engine reads (see <see cref="DegradeRewriter"/>): top-level
/// budget fields capped (added in the format's own name when absent), reasoning fields removed, everything else as sent.
/// </summary>
internal sealed class BuiltInDegradeRewriter(RequestFormat format) : IDegradeRequestRewriter
{
    public static IEnumerable<BuiltInDegradeRewriter> All() =>
        [new(RequestFormat.OpenAIChatCompletions), new(RequestFormat.OpenAIResponses), new(RequestFormat.AnthropicMessages)];

    public RequestFormat Format { get; } = format;

    public bool CanRewrite(RequestFormat format, ReadOnlySpan<char> path) => format == Format;

    public bool TryRewrite(ReadOnlySpan<byte> body, in DegradeRequest request, IBufferWriter<byte> output)
    {
        if (output is PooledBufferWriter pooled)
        {
            return DegradeRewriter.TryRewrite(body, request.Format, request.MaxOutputTokens, request.RemoveReasoning, pooled);
        }

        // Called by a host (e.g. a rewriter that wraps a built-in one) with a writer of its own.
        using var copy = new PooledBufferWriter(body.Length + 64);
        if (!DegradeRewriter.TryRewrite(body, request.Format, request.MaxOutputTokens, request.RemoveReasoning, copy))
        {
            return false;
        }

        output.Write(copy.WrittenSpan);
        return true;
    }
}
