namespace Personalize.Docs.Tests;

/// <summary>How C# blocks and their markers are read from Markdown, and how a broken example is reported.</summary>
public sealed class MarkdownExamplesTests
{
    [Fact]
    public void Parse_finds_csharp_blocks_with_their_fence_line_and_skips_other_languages()
    {
        string[] lines =
        [
            "# Title",                      // 1
            "```bash",                      // 2
            "dotnet test",                  // 3
            "```",                          // 4
            "",                             // 5
            "```csharp",                    // 6
            "Console.WriteLine(1);",        // 7
            "```",                          // 8
            "````markdown",                 // 9
            "```csharp",                    // 10: inside another block, not a block of its own
            "```",                          // 11
            "````",                         // 12
            "  ```cs",                      // 13
            "  int x = 2;",                 // 14
            "  ```",                        // 15
        ];

        IReadOnlyList<CodeExample> examples = MarkdownExamples.Parse("doc.md", lines);

        Assert.Equal([("doc.md", 6, 0, "Console.WriteLine(1);"), ("doc.md", 13, 2, "int x = 2;")],
            examples.Select(e => (e.File, e.Line, e.Indent, e.Code)));
        Assert.All(examples, e => Assert.Equal(ExampleKind.Runs, e.Kind));
    }

    [Fact]
    public void Parse_reads_the_marker_before_a_block_across_blank_lines_and_other_comments()
    {
        string[] lines =
        [
            "<!-- example: compile-only: serves requests until stopped -->",
            "<!-- pack-smoke:web -->",
            "",
            "```csharp",
            "app.Run();",
            "```",
            "<!-- example: fragment: the middle of a method -->",
            "```csharp",
            "return x;",
            "```",
        ];

        IReadOnlyList<CodeExample> examples = MarkdownExamples.Parse("doc.md", lines);

        Assert.Equal([(ExampleKind.CompileOnly, "serves requests until stopped"), (ExampleKind.Fragment, "the middle of a method")],
            examples.Select(e => (e.Kind, e.Reason)));
    }

    public static TheoryData<string[], string> Malformed => new()
    {
        { ["<!-- example: fragment: -->", "```csharp", "x", "```"], "doc.md:1: the example marker gives no reason" },
        { ["<!-- example: skip: slow -->", "```csharp", "x", "```"], "doc.md:1: malformed example marker" },
        { ["<!-- example: fragment: why -->", "", "text", "```csharp", "x", "```"], "doc.md:1: an example marker must stand right before a C# block" },
        { ["", "```csharp", "x"], "doc.md:2: the C# block is not closed" },
    };

    [Theory, MemberData(nameof(Malformed))]
    public void Parse_refuses_a_bad_marker_or_an_unclosed_block_naming_the_line(string[] lines, string expected)
    {
        FormatException error = Assert.Throws<FormatException>(() => MarkdownExamples.Parse("doc.md", lines));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_block_that_does_not_compile_is_reported_with_the_file_the_markdown_line_and_the_compiler_error()
    {
        string[] lines = ["# Example", "", "```csharp", "using Personalize.Core.Models;", "", "FactorModel model = ModelFile.Lode(\"shop.pzm\");", "```"];
        CodeExample example = Assert.Single(MarkdownExamples.Parse("docs/guide.md", lines));

        CompileResult result = ExampleCompiler.Compile(example);

        Assert.Null(result.Assembly);
        string problem = Assert.Single(result.Problems);
        Assert.Equal("docs/guide.md:6:31: error CS0117: 'ModelFile' does not contain a definition for 'Lode'", problem);
    }

    [Fact]
    public void A_warning_fails_the_block_like_an_error()
    {
        string[] lines = ["```csharp", "string? name = null;", "Console.WriteLine(name.Length);", "```"];
        CompileResult result = ExampleCompiler.Compile(Assert.Single(MarkdownExamples.Parse("README.md", lines)));

        Assert.Null(result.Assembly);
        Assert.Equal("README.md:3:19: warning CS8602: Dereference of a possibly null reference.", Assert.Single(result.Problems));
    }

    [Fact]
    public void A_block_that_throws_is_reported_with_the_markdown_line_in_the_stack_trace()
    {
        using var folder = new TempDirectory();
        string[] lines = ["text", "```csharp", "Console.WriteLine(\"before\");", "File.ReadAllText(\"missing.csv\");", "```"];
        CompileResult compiled = ExampleCompiler.Compile(Assert.Single(MarkdownExamples.Parse("README.md", lines)));

        ExampleRun run = ExampleRunner.Run(compiled.Assembly!, folder.Path, TimeSpan.FromMinutes(1));

        Assert.Equal("before\n", run.Output.Replace("\r\n", "\n", StringComparison.Ordinal));
        FileNotFoundException missing = Assert.IsType<FileNotFoundException>(run.Failure);
        Assert.Contains("README.md:line 4", missing.StackTrace, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(folder.Path, "missing.csv"), missing.Message, StringComparison.Ordinal);   // ran in the folder
    }
}
