using Personalize.Core.Data;
using Xunit.Abstractions;

[assembly: CollectionBehavior(DisableTestParallelization = true)]   // an example's run sets the process's working folder and console

namespace Personalize.Docs.Tests;

/// <summary>
/// Every C# block of the README files and <c>docs/</c> compiles as a console program against this repository's packages, and every
/// one that can run does run, in a fresh folder with the bundled sample shop, printing what its expectation asserts. A block that
/// cannot run says why in a marker before it (<c>&lt;!-- example: compile-only: why --&gt;</c>); a fragment on purpose says so too
/// (<c>&lt;!-- example: fragment: why --&gt;</c>) and is only counted.
/// </summary>
public sealed class DocumentationExampleTests(ExampleWorkspace workspace, ITestOutputHelper log) : IClassFixture<ExampleWorkspace>
{
    /// <summary>A guard against an example that never returns (one that serves requests), not a measurement.</summary>
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(5);

    public static TheoryData<string, int> CompiledExamples()
    {
        var data = new TheoryData<string, int>();
        foreach (CodeExample example in MarkdownExamples.ReadAll(ExampleWorkspace.FindRoot()).Where(e => e.Kind != ExampleKind.Fragment))
        {
            data.Add(example.File, example.Line);
        }

        return data;
    }

    [Theory, MemberData(nameof(CompiledExamples))]
    public void The_csharp_block_compiles_and_runs_as_documented(string file, int line)
    {
        CodeExample example = MarkdownExamples.ReadAll(workspace.Root).Single(e => e.File == file && e.Line == line);
        CompileResult compiled = ExampleCompiler.Compile(example);
        Assert.True(compiled.Assembly is not null,
            $"{example}: the C# block does not compile as a console program:\n{string.Join("\n", compiled.Problems)}");
        if (example.Kind == ExampleKind.CompileOnly)
        {
            log.WriteLine($"{example}: compiles; not run ({example.Reason})");
            return;
        }

        Expectation[] expectations = [.. ExampleExpectations.All.Where(x => x.AppliesTo(example))];
        Assert.True(expectations.Length > 0,
            $"{example}: the block runs, but no expectation in ExampleExpectations checks its output; add one (or mark the block '<!-- example: compile-only: why -->').");

        string folder = workspace.NewFolder();
        ExampleRun run = ExampleRunner.Run(compiled.Assembly, folder, RunLimit);
        log.WriteLine($"{example} printed:\n{run.Output}{run.Error}");
        Assert.True(run.Failure is null, $"{example}: the example failed: {run.Failure}\nIt printed:\n{run.Output}{run.Error}");

        var output = new ExampleOutput(
            [.. run.Output.Split('\n').Select(l => l.TrimEnd('\r', ' ')).Where(l => l.Length > 0)], folder, workspace.Catalog, workspace.Events);
        foreach (Expectation expectation in expectations)
        {
            expectation.Check(output);
        }
    }

    [Fact]
    public void Every_csharp_block_is_found_and_counted_by_kind()
    {
        IReadOnlyList<string> files = MarkdownExamples.DocumentFiles(workspace.Root);
        IReadOnlyList<CodeExample> examples = MarkdownExamples.ReadAll(workspace.Root);

        // Cross-check the parser with a plain text count of the opening fences, so no block escapes the check.
        int fences = files.Sum(f => File.ReadLines(Path.Combine(workspace.Root, f))
            .Count(l => l.TrimStart() is "```csharp" or "```cs" or "```c#"));
        Assert.Equal(fences, examples.Count);
        Assert.Contains("README.md", files);
        Assert.Contains(examples, e => e.File == "README.md");

        int runs = examples.Count(e => e.Kind == ExampleKind.Runs);
        int compileOnly = examples.Count(e => e.Kind == ExampleKind.CompileOnly);
        int fragments = examples.Count(e => e.Kind == ExampleKind.Fragment);
        log.WriteLine($"{examples.Count} C# blocks in {examples.Select(e => e.File).Distinct().Count()} of {files.Count} Markdown files: "
            + $"{runs} compile and run, {compileOnly} compile only, {fragments} fragments.");
        foreach (CodeExample example in examples.Where(e => e.Kind != ExampleKind.Runs))
        {
            log.WriteLine($"  {example}: {example.Kind}: {example.Reason}");
        }

        Assert.All(examples.Where(e => e.Kind != ExampleKind.Runs), e => Assert.False(string.IsNullOrWhiteSpace(e.Reason)));
    }

    [Fact]
    public void Every_expectation_checks_exactly_one_runnable_block()
    {
        CodeExample[] runnable = [.. MarkdownExamples.ReadAll(workspace.Root).Where(e => e.Kind == ExampleKind.Runs)];
        Assert.All(ExampleExpectations.All, expectation =>
        {
            CodeExample[] matched = [.. runnable.Where(expectation.AppliesTo)];
            Assert.True(matched.Length == 1,
                $"the expectation for {expectation.File} ('{expectation.CodeContains}') matches {matched.Length} runnable blocks ({string.Join(", ", matched.Select(m => m.ToString()))}); it must match one.");
        });
    }
}
