namespace AntiDistill.Tests.Linkage;

public class ClusterGraphTests
{
    private static (ClusterGraph Graph, int[] Nodes) Graph(int nodes)
    {
        var graph = new ClusterGraph();
        var ids = new int[nodes];
        for (int i = 0; i < nodes; i++)
        {
            ids[i] = graph.AddNode(new AccountId((ulong)i + 1));
        }

        return (graph, ids);
    }

    [Fact]
    public void Union_TwoSingletons_GetANewClusterId()
    {
        var (graph, n) = Graph(3);
        Assert.Equal(0, graph.ClusterOf(n[0]));
        graph.Union(n[0], n[1], 1);
        Assert.Equal(1, graph.ClusterOf(n[0]));
        Assert.Equal(1, graph.ClusterOf(n[1]));
        Assert.Equal(0, graph.ClusterOf(n[2]));
    }

    [Fact]
    public void Union_GrowingCluster_KeepsItsId()
    {
        var (graph, n) = Graph(50);
        graph.Union(n[0], n[1], 1);
        int id = graph.ClusterOf(n[0]);
        for (int i = 2; i < 50; i++)
        {
            graph.Union(n[i], n[0], 1);
        }

        Assert.All(n, node => Assert.Equal(id, graph.ClusterOf(node)));
        Assert.Equal(50, graph.SizeOf(graph.Find(n[7])));
        Assert.Equal(50, graph.Members(n[3]).Count());
    }

    [Fact]
    public void Union_TwoClusters_TheLargerKeepsItsId()
    {
        var (graph, n) = Graph(6);
        graph.Union(n[0], n[1], 1);           // cluster 1: {0,1}
        graph.Union(n[2], n[3], 1);           // cluster 2: {2,3}
        graph.Union(n[2], n[4], 1);           // cluster 2: {2,3,4}
        int small = graph.ClusterOf(n[0]), large = graph.ClusterOf(n[2]);
        Assert.NotEqual(small, large);

        graph.Union(n[0], n[2], 2);
        Assert.All(n[..5], node => Assert.Equal(large, graph.ClusterOf(node)));
    }

    [Fact]
    public void LiveClusters_NewMergedAndGrown_CountsClustersThatExistNow()
    {
        var (graph, n) = Graph(6);
        graph.Union(n[0], n[1], 1);           // new cluster
        graph.Union(n[2], n[3], 1);           // another
        graph.Union(n[2], n[4], 1);           // grows, no new one
        Assert.Equal(2, graph.LiveClusters);

        graph.Union(n[0], n[2], 1);           // two become one

        Assert.Equal(1, graph.LiveClusters);
        Assert.Equal(2, graph.ClusterCount);  // ids handed out, merged ones included
    }

    [Fact]
    public void Union_SameSet_ReturnsMinusOneAndCountsNothing()
    {
        var (graph, n) = Graph(2);
        graph.Union(n[0], n[1], 1);
        Assert.Equal(-1, graph.Union(n[1], n[0], 1));
        Assert.Equal(1, graph.EvidenceOf(graph.Find(n[0]))[0]);
    }

    [Fact]
    public void Union_Evidence_IsSummedByKind()
    {
        var (graph, n) = Graph(3);
        graph.Union(n[0], n[1], 0b1);                      // payment
        graph.Union(n[1], n[2], (ushort)(1 << (int)LinkKind.Network | 1 << (int)LinkKind.Client));
        var evidence = graph.EvidenceOf(graph.Find(n[0]));
        Assert.Equal(1, evidence[(int)LinkKind.Payment]);
        Assert.Equal(1, evidence[(int)LinkKind.Network]);
        Assert.Equal(1, evidence[(int)LinkKind.Client]);
    }
}
