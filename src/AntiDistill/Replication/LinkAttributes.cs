namespace AntiDistill;

/// <summary>
/// The attribute values of an account's latest request as the linker indexes them (keyed hashes and sketch
/// keys, never raw values), with its time: what a node ships so that other nodes link the account too.
/// </summary>
internal struct LinkAttributes
{
    public long TimestampMs;
    public ulong Payment;
    public ulong Device;
    public ulong Network;
    public ulong Client;
    public ulong EmailDomain;
    public ulong SignupBucket;
    public ulong SystemPrompt;
    public ulong Opening;
    public ulong Closing;
    public ulong SynchronyBucket;
    public ulong Cadence;
    public ulong Schedule;
    public ProfileBands Bands;

    public static LinkAttributes From(in LinkEvent e) => new()
    {
        TimestampMs = e.Summary.TimestampMs,
        Payment = e.Payment,
        Device = e.Device,
        Network = e.Network,
        Client = e.Client,
        EmailDomain = e.EmailDomain,
        SignupBucket = e.SignupBucket,
        SystemPrompt = e.SystemPrompt,
        Opening = e.Opening,
        Closing = e.Closing,
        SynchronyBucket = e.SynchronyBucket,
        Cadence = e.Cadence,
        Schedule = e.Schedule,
        Bands = e.Bands,
    };
}
