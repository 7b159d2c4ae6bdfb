using System.Globalization;

namespace AntiDistill.Quality;

/// <summary>One row of the simulator's truth file.</summary>
internal sealed record TruthRow(string Account, string Population, bool IsCampaign, int Requests, string Source);

/// <summary>Reads <c>NAME.truth.csv</c> (<c>account,population,campaign,requests,source</c>) as <c>antidistill simulate</c> writes it.</summary>
internal static class Truth
{
    public static Dictionary<string, TruthRow> Load(string path)
    {
        var rows = new Dictionary<string, TruthRow>(StringComparer.Ordinal);
        using var reader = new StreamReader(path);
        string? header = reader.ReadLine();
        if (header != "account,population,campaign,requests,source")
        {
            throw new InvalidDataException($"{path}: unexpected header '{header}'.");
        }

        int line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            string[] f = text.Split(',');
            if (f.Length != 5 || f[2] is not ("yes" or "no") || !int.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out int requests))
            {
                throw new InvalidDataException($"{path}:{line}: malformed row '{text}'.");
            }

            rows[f[0]] = new TruthRow(f[0], f[1], f[2] == "yes", requests, f[4]);
        }

        return rows;
    }
}
