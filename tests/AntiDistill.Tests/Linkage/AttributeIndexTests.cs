using FsCheck.Xunit;

namespace AntiDistill.Tests.Linkage;

/// <summary>The attribute index: one entry per (kind, value), whatever the values of other kinds.</summary>
public class AttributeIndexTests
{
    [Fact]
    public void Get_SameValueUnderTwoKinds_TwoEntriesThatKnowTheirKind()
    {
        var index = new AttributeIndex(new LinkageOptions());

        var card = index.Get(LinkKind.Payment, 42);
        var device = index.Get(LinkKind.Device, 42);
        card.Touch(node: 1, ms: 1000, depth: 8);

        Assert.NotSame(card, device);
        Assert.Same(card, index.Get(LinkKind.Payment, 42));
        Assert.Equal(1, index.Get(LinkKind.Payment, 42).Count);
        Assert.Equal(0, index.Get(LinkKind.Device, 42).Count);
        Assert.Equal(
            [(LinkKind.Payment, 42UL), (LinkKind.Device, 42UL)],
            index.Entries.Select(e => (e.Kind, e.Value)).Order());
    }

    [Property(MaxTest = 200)]
    public bool Get_ArbitraryKindsAndValues_OneEntryPerPair(byte[] kinds, ulong[] values)
    {
        var index = new AttributeIndex(new LinkageOptions());
        var pairs = new HashSet<(LinkKind, ulong)>();
        for (int i = 0; i < Math.Min(kinds?.Length ?? 0, values?.Length ?? 0); i++)
        {
            var kind = (LinkKind)(kinds![i] % Enum.GetValues<LinkKind>().Length);
            pairs.Add((kind, values![i]));
            var entry = index.Get(kind, values[i]);
            if (entry.Kind != kind || entry.Value != values[i])
            {
                return false;
            }
        }

        return index.Entries.Count() == pairs.Count;
    }
}
