namespace Personalize.Docs.Tests;

/// <summary>What the documentation tests do with a C# block, as the marker before it says (no marker: it runs).</summary>
public enum ExampleKind
{
    /// <summary>No marker: the block is a whole program that compiles and runs in a folder with the sample data.</summary>
    Runs,

    /// <summary><c>&lt;!-- example: compile-only: why --&gt;</c>: a whole program that compiles but cannot run here (a web server, ...).</summary>
    CompileOnly,

    /// <summary><c>&lt;!-- example: fragment: why --&gt;</c>: a part of a program on purpose; it is neither compiled nor run.</summary>
    Fragment,
}

/// <summary>One C# block of a Markdown file.</summary>
/// <param name="File">The Markdown file, relative to the repository root, with forward slashes.</param>
/// <param name="Line">The 1-based line of the opening fence (<c>```csharp</c>).</param>
/// <param name="Indent">The spaces before the fence, removed from every line of <paramref name="Code"/>.</param>
/// <param name="Kind">What its marker says.</param>
/// <param name="Reason">Why it does not run (compile-only) or does not compile (fragment), from the marker.</param>
/// <param name="Code">The lines between the fences, joined with <c>\n</c>.</param>
public sealed record CodeExample(string File, int Line, int Indent, ExampleKind Kind, string? Reason, string Code)
{
    /// <summary>The 1-based Markdown line of the block's first line of code.</summary>
    public int FirstCodeLine => Line + 1;

    /// <summary>Where the block is, as <c>file:line</c> (the fence's line).</summary>
    public override string ToString() => $"{File}:{Line}";
}
