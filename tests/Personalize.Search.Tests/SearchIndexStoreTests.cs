using System.Collections.Concurrent;
using Personalize.Core.Data;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Search.Tests;

public sealed class SearchIndexStoreTests
{
    /// <summary>A catalogue whose every item is a kettle with an id of one prefix: a query's matches name the catalogue they came from.</summary>
    private static ItemCatalog Catalog(TempDirectory temp, string prefix, int count) =>
        ItemCatalog.ReadCsv(temp.Write(prefix + ".csv", "item_id,title,brand\n" + string.Concat(Enumerable.Range(0, count)
            .Select(i => $"{prefix}{i},{prefix} steel kettle {i},Brand{i % 7}\n"))));

    private static string[] Generations(string root) => [.. Directory.GetDirectories(root).Select(d => Path.GetFileName(d)).Order()];

    [Fact]
    public void A_lease_keeps_its_index_across_a_rebuild_and_the_old_folder_goes_with_the_last_lease()
    {
        using var temp = new TempDirectory();
        string root = Path.Combine(temp.Path, "search");
        using SearchIndexStore store = SearchIndexStore.Build(root, Catalog(temp, "a", 50));
        SearchIndexLease old = store.Acquire();

        long version = store.Rebuild(Catalog(temp, "b", 80));

        using (SearchIndexLease fresh = store.Acquire())
        {
            Assert.Equal((1L, 2L, 2L), (old.Version, version, fresh.Version));
            Assert.All(old.Index.Match("kettle").Candidates, c => Assert.StartsWith("a", c.ItemId, StringComparison.Ordinal));
            Assert.Equal(50, old.Search.Search(new SearchRequest("kettle") { PageSize = 5 }).Page.TotalCount);
            Assert.Equal(80, fresh.Index.Match("kettle").Candidates.Count);
            Assert.Equal(["index-000001", "index-000002"], Generations(root));
        }

        old.Dispose();

        Assert.Equal(["index-000002"], Generations(root));
        Assert.Equal("index-000002\n", File.ReadAllText(Path.Combine(root, SearchIndexStore.CurrentFileName)));
        Assert.Throws<ObjectDisposedException>(() => old.Index);
    }

    [Fact]
    public async Task Queries_running_during_rebuilds_never_fail_and_each_sees_one_index()
    {
        using var temp = new TempDirectory();
        string root = Path.Combine(temp.Path, "search");
        ItemCatalog a = Catalog(temp, "a", 3000), b = Catalog(temp, "b", 2000);
        using SearchIndexStore store = SearchIndexStore.Build(root, a);
        var failures = new ConcurrentQueue<string>();
        var versionsSeen = new ConcurrentDictionary<long, int>();
        using var stop = new CancellationTokenSource();

        void Query()
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using SearchIndexLease lease = store.Acquire();
                    string prefix = lease.Version % 2 == 1 ? "a" : "b";   // odd versions index a, even ones b
                    int expected = prefix == "a" ? 3000 : 2000;
                    TextMatch match = lease.Index.Match("steel kettle");
                    SearchResult result = lease.Search.Search(new SearchRequest("kettle") { PageSize = 10 });
                    if (match.Candidates.Count != expected || result.Page.TotalCount != expected
                        || match.Candidates.Any(c => !c.ItemId.StartsWith(prefix, StringComparison.Ordinal))
                        || result.Page.Any(r => !r.ItemId.StartsWith(prefix, StringComparison.Ordinal)))
                    {
                        failures.Enqueue($"version {lease.Version}: {match.Candidates.Count} matches, page {string.Join(' ', result.Page.Select(r => r.ItemId))}");
                    }

                    versionsSeen.AddOrUpdate(lease.Version, 1, (_, n) => n + 1);
                }
                catch (Exception exception)
                {
                    failures.Enqueue(exception.ToString());
                }
            }
        }

        // Each version is rebuilt away only after a reader has queried it, so the readers see every version whatever the scheduling
        // (a busy machine may start the reader threads late); the wait's limit only keeps a broken store from hanging the test.
        void AwaitSeen(long version) => Assert.True(SpinWait.SpinUntil(() => versionsSeen.ContainsKey(version) || !failures.IsEmpty, TimeSpan.FromMinutes(2)),
            $"no reader queried version {version}");

        Task[] readers = [.. Enumerable.Range(0, 3).Select(_ => Task.Run(Query))];
        AwaitSeen(1);
        for (int rebuild = 0; rebuild < 6; rebuild++)
        {
            long version = store.Rebuild(rebuild % 2 == 0 ? b : a);
            AwaitSeen(version);
        }

        stop.Cancel();
        await Task.WhenAll(readers);

        Assert.Empty(failures);
        Assert.Equal(7, store.Version);
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], versionsSeen.Keys.Order());
        Assert.Equal(["index-000007"], Generations(root));
    }

    [Fact]
    public void A_stopped_rebuild_leaves_the_old_index_serving_and_no_partial_folder()
    {
        using var temp = new TempDirectory();
        string root = Path.Combine(temp.Path, "search");
        using SearchIndexStore store = SearchIndexStore.Build(root, Catalog(temp, "a", 100));
        using var cancel = new CancellationTokenSource();
        var reports = new List<int>();
        var progress = new SynchronousProgress(n =>
        {
            reports.Add(n);
            cancel.Cancel();   // stop after the first chunk: some documents are written, none committed
        });

        Assert.ThrowsAny<OperationCanceledException>(() => store.Rebuild(Catalog(temp, "b", 5000), progress, cancel.Token));

        Assert.Equal([1024], reports);
        Assert.Equal(1, store.Version);
        Assert.Equal(["index-000001"], Generations(root));
        using (SearchIndexLease lease = store.Acquire())
        {
            Assert.Equal(100, lease.Index.Match("kettle").Candidates.Count);
        }

        using SearchIndexStore reopened = SearchIndexStore.Open(root, Catalog(temp, "a", 100));
        Assert.Equal(Path.Combine(root, "index-000001"), reopened.IndexPath);
    }

    [Fact]
    public void Building_at_every_start_keeps_the_generation_served_before_and_deletes_older_ones()
    {
        using var temp = new TempDirectory();
        string root = Path.Combine(temp.Path, "search");
        for (int start = 1; start <= 3; start++)
        {
            using SearchIndexStore store = SearchIndexStore.Build(root, Catalog(temp, "a", 50));
            Assert.Equal(Path.Combine(root, $"index-00000{start}"), store.IndexPath);
        }

        Assert.Equal(["index-000002", "index-000003"], Generations(root));
        using SearchIndexStore reopened = SearchIndexStore.Open(root, Catalog(temp, "a", 50));
        using SearchIndexLease lease = reopened.Acquire();
        Assert.Equal(50, lease.Index.Match("kettle").Candidates.Count);
    }

    [Fact]
    public void A_rebuild_deletes_the_folders_of_builds_that_never_finished_and_leaves_older_generations_to_their_readers()
    {
        using var temp = new TempDirectory();
        string root = Path.Combine(temp.Path, "search");
        using SearchIndexStore store = SearchIndexStore.Build(root, Catalog(temp, "a", 100));
        SearchIndexLease first = store.Acquire();
        store.Rebuild(Catalog(temp, "b", 100));                            // serves index-000002; index-000001 is still leased

        // What two processes that ended during a rebuild leave: folders above the served generation, never committed.
        foreach (string orphan in new[] { "index-000003", "index-000007" })
        {
            Directory.CreateDirectory(Path.Combine(root, orphan));
            File.WriteAllText(Path.Combine(root, orphan, "_0.cfs"), "partial");
        }

        store.Rebuild(Catalog(temp, "c", 100));

        Assert.Equal(["index-000001", "index-000003"], Generations(root));   // 000002 had no lease and went with the swap
        Assert.Equal(Path.Combine(root, "index-000003"), store.IndexPath);
        using (SearchIndexLease lease = store.Acquire())
        {
            Assert.Equal(100, lease.Index.Match("kettle").Candidates.Count);
        }

        Assert.Equal(100, first.Index.Match("kettle").Candidates.Count);   // the oldest reader still reads its own folder
        first.Dispose();
        Assert.Equal(["index-000003"], Generations(root));
    }

    [Fact]
    public void A_half_built_generation_is_refused_with_a_clear_error()
    {
        using var temp = new TempDirectory();
        string root = Path.Combine(temp.Path, "search");
        ItemCatalog catalog = Catalog(temp, "a", 100);
        using (SearchIndexStore.Build(root, catalog))
        {
        }

        // What a build that ended with the process leaves: the segment files, but no commit (segments_N).
        string half = Path.Combine(root, "index-000002");
        Directory.CreateDirectory(half);
        foreach (string file in Directory.GetFiles(Path.Combine(root, "index-000001")))
        {
            if (!Path.GetFileName(file).StartsWith("segments", StringComparison.Ordinal))
            {
                File.Copy(file, Path.Combine(half, Path.GetFileName(file)));
            }
        }

        InvalidDataException direct = Assert.Throws<InvalidDataException>(() => CatalogSearchIndex.Open(half, catalog));
        using (SearchIndexStore store = SearchIndexStore.Open(root, catalog))
        {
            Assert.Equal(Path.Combine(root, "index-000001"), store.IndexPath);   // CURRENT still names the complete one
        }

        File.WriteAllText(Path.Combine(root, SearchIndexStore.CurrentFileName), "index-000002\n");
        InvalidDataException viaStore = Assert.Throws<InvalidDataException>(() => SearchIndexStore.Open(root, catalog));
        File.WriteAllText(Path.Combine(root, SearchIndexStore.CurrentFileName), "../elsewhere\n");
        InvalidDataException pointer = Assert.Throws<InvalidDataException>(() => SearchIndexStore.Open(root, catalog));
        FileNotFoundException none = Assert.Throws<FileNotFoundException>(() => SearchIndexStore.Open(Path.Combine(temp.Path, "nothing"), catalog));

        Assert.StartsWith($"The folder '{half}' holds an incomplete search index:", direct.Message, StringComparison.Ordinal);
        Assert.Contains("its build did not finish", direct.Message, StringComparison.Ordinal);
        Assert.Equal(direct.Message, viaStore.Message);
        Assert.Contains("CURRENT:1:1: expected the name of a generation folder such as 'index-000001', found '../elsewhere'", pointer.Message, StringComparison.Ordinal);
        Assert.Contains("has no CURRENT file", none.Message, StringComparison.Ordinal);
    }

    /// <summary>Reports on the caller's thread, at once (<see cref="Progress{T}"/> posts to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
