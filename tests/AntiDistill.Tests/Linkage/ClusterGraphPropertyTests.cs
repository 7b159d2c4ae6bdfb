using FsCheck;
using FsCheck.Xunit;

namespace AntiDistill.Tests.Linkage;

public class ClusterGraphPropertyTests
{
    /// <summary>
    /// After any sequence of unions, the graph agrees with a naive partition: nodes share a cluster id exactly when
    /// they were joined, singletons have none, sizes and member lists match, and no two sets share an id.
    /// </summary>
    [Property(MaxTest = 200)]
    public bool Union_AnySequence_MatchesANaivePartition(PositiveInt nodeCount, int[] pairs)
    {
        int n = 2 + (nodeCount.Get % 60);
        pairs ??= [];
        var graph = new ClusterGraph();
        var nodes = new int[n];
        var naive = new int[n]; // naive[i] = representative index
        for (int i = 0; i < n; i++)
        {
            nodes[i] = graph.AddNode(new AccountId((ulong)i + 1));
            naive[i] = i;
        }

        for (int k = 0; k + 1 < pairs.Length; k += 2)
        {
            int a = (int)((uint)pairs[k] % n), b = (int)((uint)pairs[k + 1] % n);
            graph.Union(nodes[a], nodes[b], 1);
            int ra = naive[a], rb = naive[b];
            for (int i = 0; i < n; i++)
            {
                if (naive[i] == rb)
                {
                    naive[i] = ra;
                }
            }
        }

        var idOfSet = new Dictionary<int, int>();
        for (int i = 0; i < n; i++)
        {
            int setSize = naive.Count(r => r == naive[i]);
            int id = graph.ClusterOf(nodes[i]);
            if ((setSize == 1) != (id == 0) || graph.SizeOf(graph.Find(nodes[i])) != setSize || graph.Members(nodes[i]).Count() != setSize)
            {
                return false;
            }

            if (idOfSet.TryGetValue(naive[i], out int seen) ? seen != id : idOfSet.ContainsValue(id) && id != 0)
            {
                return false;
            }

            idOfSet[naive[i]] = id;
        }

        return true;
    }
}
