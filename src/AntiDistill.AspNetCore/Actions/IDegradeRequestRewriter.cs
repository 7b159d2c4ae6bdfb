using System.Buffers;
using AntiDistill.Requests;

namespace AntiDistill.AspNetCore;

/// <summary>
/// Rewrites a request body of one format for <see cref="AntiDistillationAction.Degrade"/>: output budget capped, requested
/// reasoning removed. The built-in rewriters cover OpenAI Chat Completions, OpenAI Responses and Anthropic Messages; a host
/// that reads its own format (<c>AddRequestFormat&lt;TReader&gt;()</c>) adds its rewriter with <c>AddDegradeRewriter&lt;TRewriter&gt;()</c>.
/// </summary>
/// <remarks>
/// Host rewriters are asked before the built-in ones, in registration order; the first that <see cref="CanRewrite"/>
/// the request rewrites it. Called while the body's bytes are at hand (during scoring), on the request path: it should
/// not allocate beyond what it writes to the output, and must not throw on any input (return false instead).
/// </remarks>
public interface IDegradeRequestRewriter
{
    /// <summary>Whether this rewriter handles a body read as <paramref name="format"/> (<see cref="RequestFormat.Custom"/> for a host's reader) sent to <paramref name="path"/>.</summary>
    bool CanRewrite(RequestFormat format, ReadOnlySpan<char> path);

    /// <summary>Writes the degraded body to <paramref name="output"/>; false leaves the request's body as sent.</summary>
    /// <param name="body">The body as sent (UTF-8).</param>
    /// <param name="request">What to cap and remove.</param>
    /// <param name="output">Where the new body goes; whatever was written is discarded when the method returns false.</param>
    bool TryRewrite(ReadOnlySpan<byte> body, in DegradeRequest request, IBufferWriter<byte> output);
}

/// <summary>What a degraded request gets: the policy's budget cap and whether reasoning goes.</summary>
public readonly struct DegradeRequest
{
    /// <summary>Makes a request to degrade a body of <paramref name="format"/>.</summary>
    public DegradeRequest(RequestFormat format, int maxOutputTokens, bool removeReasoning)
    {
        Format = format;
        MaxOutputTokens = maxOutputTokens;
        RemoveReasoning = removeReasoning;
    }

    /// <summary>The format the body was read as.</summary>
    public RequestFormat Format { get; }

    /// <summary>The output budget to cap to (<see cref="AntiDistillationPolicy.DegradedMaxOutputTokens"/>): a smaller budget as sent stays, anything else becomes the cap.</summary>
    public int MaxOutputTokens { get; }

    /// <summary>Whether requested reasoning is removed (<see cref="AntiDistillationPolicy.DegradeRemovesReasoning"/>, or the band withholds reasoning).</summary>
    public bool RemoveReasoning { get; }
}
