using System.Security.Cryptography;
using System.Text;

namespace AntiDistill;

/// <summary>
/// STIX identifiers: fixed ones (TLP 2.0 markings, AntiDistill's extension-definition) and name-based UUIDv5 ones, so
/// that the same producer exporting the same evidence twice writes the same ids and a consumer updates rather than duplicates.
/// </summary>
internal static class StixIds
{
    public const string TlpExtension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";
    public const string TlpCreated = "2022-10-01T00:00:00.000Z";

    /// <summary>AntiDistill's extension-definition (the x-antidistill-* objects and the campaign's property extension).</summary>
    public const string Extension = "extension-definition--1f1b7ba2-3a8a-5d4e-9d1c-6a6e7e0c2b41";

    public const string ExtensionSchema = "https://github.com/antidistill/antidistill/blob/main/docs/indicators.schema.json";

    /// <summary>RFC 4122 namespace for AntiDistill's name-based ids (a random UUID, fixed forever).</summary>
    private static readonly Guid Namespace = new("7d0b6c0e-58a4-4e8f-a3a1-2f0d1f6b9c5e");

    public static string Marking(TlpLevel level) => level switch
    {
        TlpLevel.Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        TlpLevel.Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        TlpLevel.Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        TlpLevel.AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        TlpLevel.Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, null),
    };

    public static string TlpName(TlpLevel level) => level switch
    {
        TlpLevel.Clear => "clear",
        TlpLevel.Green => "green",
        TlpLevel.Amber => "amber",
        TlpLevel.AmberStrict => "amber+strict",
        _ => "red",
    };

    /// <summary>A UUIDv5 id of the given type from the parts (joined with a separator no part contains in practice).</summary>
    public static string For(string type, params string[] parts)
    {
        byte[] name = Encoding.UTF8.GetBytes(string.Join('\u001f', parts));
        byte[] ns = Namespace.ToByteArray(bigEndian: true);
        byte[] input = new byte[ns.Length + name.Length];
        ns.CopyTo(input, 0);
        name.CopyTo(input, ns.Length);
#pragma warning disable CA5350 // UUIDv5 is defined on SHA-1 (RFC 4122 §4.3); no security rests on it.
        byte[] hash = SHA1.HashData(input);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return type + "--" + new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString("D");
    }
}
