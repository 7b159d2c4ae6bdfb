using System.Runtime.CompilerServices;

namespace AntiDistill.Cli.Indicators;

/// <summary>
/// What replay keeps of one account for export (about 100 bytes): the prompt fingerprints it repeats most (a Misra-Gries
/// summary of six slots over its opening frames, closing frames and system prompts) and its last keyed client values.
/// A harvesting template repeats its frames on every request and keeps its slots; one-off prompts churn through them.
/// </summary>
internal struct AccountEvidence
{
    // Widest first, so the struct packs into 96 bytes (AccountEvidenceTests).
    public ulong TlsFingerprint;
    public ulong UserAgent;
    public ulong EmailDomain;
    private Values _values;
    public uint Asn;
    private Counts _counts;
    private Kinds _kinds;

    public void AddPrompt(in PromptFeatures features)
    {
        var (opening, closing) = features.Frames;
        Add(IndicatorKind.PromptOpeningFrame, opening);
        Add(IndicatorKind.PromptClosingFrame, closing);
        Add(IndicatorKind.SystemPrompt, features.SystemPromptFingerprint);
    }

    public void AddClient(in ClientAttributes client)
    {
        TlsFingerprint = client.TlsFingerprint != 0 ? client.TlsFingerprint : TlsFingerprint;
        UserAgent = client.UserAgent != 0 ? client.UserAgent : UserAgent;
        EmailDomain = client.EmailDomain != 0 ? client.EmailDomain : EmailDomain;
        Asn = client.Asn != 0 ? client.Asn : Asn;
    }

    /// <summary>The fingerprints the account sent at least <paramref name="minCount"/> times (by the summary's lower-bound count).</summary>
    public readonly void CopyRepeated(int minCount, List<(IndicatorKind Kind, ulong Value)> into)
    {
        for (int i = 0; i < Slots; i++)
        {
            if (_counts[i] >= minCount)
            {
                into.Add(((IndicatorKind)_kinds[i], _values[i]));
            }
        }
    }

    private const int Slots = 6;

    private void Add(IndicatorKind kind, ulong value)
    {
        if (value == 0)
        {
            return;
        }

        int free = -1;
        for (int i = 0; i < Slots; i++)
        {
            if (_counts[i] > 0 && _values[i] == value && _kinds[i] == (byte)kind)
            {
                _counts[i] = (ushort)Math.Min(ushort.MaxValue, _counts[i] + 1);
                return;
            }

            if (_counts[i] == 0 && free < 0)
            {
                free = i;
            }
        }

        if (free >= 0)
        {
            _values[free] = value;
            _kinds[free] = (byte)kind;
            _counts[free] = 1;
            return;
        }

        for (int i = 0; i < Slots; i++)
        {
            _counts[i]--;
        }
    }

    [InlineArray(Slots)]
    private struct Values
    {
        private ulong _element0;
    }

    [InlineArray(Slots)]
    private struct Counts
    {
        private ushort _element0;
    }

    [InlineArray(Slots)]
    private struct Kinds
    {
        private byte _element0;
    }
}
