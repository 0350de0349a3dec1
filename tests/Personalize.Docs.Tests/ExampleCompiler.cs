using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Text;

namespace Personalize.Docs.Tests;

/// <summary>The assembly of an example that compiled, with its debug symbols.</summary>
/// <param name="Example">The block.</param>
/// <param name="Image">The assembly.</param>
/// <param name="Symbols">Its portable PDB, whose lines are the Markdown file's.</param>
public sealed record CompiledExample(CodeExample Example, byte[] Image, byte[] Symbols);

/// <summary>The result of compiling one example: the assembly, or the compiler's errors and warnings.</summary>
/// <param name="Assembly">The compiled example, or <see langword="null"/> when there are problems.</param>
/// <param name="Problems">Each error or warning as <c>file:line:column: error CSxxxx: message</c>, with the Markdown file's line.</param>
public sealed record CompileResult(CompiledExample? Assembly, IReadOnlyList<string> Problems);

/// <summary>
/// Compiles a C# block in memory with Roslyn, as the top-level program of a console project (<c>dotnet new console</c>: nullable
/// enabled, its implicit usings), against the assemblies this test process runs on: .NET, ASP.NET Core, every Personalize package and
/// their dependencies. Warnings count as problems, as in this repository's build.
/// </summary>
public static class ExampleCompiler
{
    /// <summary>The implicit usings of a console project (Microsoft.NET.Sdk with ImplicitUsings enabled).</summary>
    public static readonly ImmutableArray<string> ConsoleImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly CSharpCompilationOptions Options = new CSharpCompilationOptions(OutputKind.ConsoleApplication)
        .WithNullableContextOptions(NullableContextOptions.Enable)
        .WithOptimizationLevel(OptimizationLevel.Debug)
        .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
        {
            // Assembly unification between package and framework versions, which the SDK silences too (NoWarn 1701;1702).
            ["CS1701"] = ReportDiagnostic.Suppress,
            ["CS1702"] = ReportDiagnostic.Suppress,
        });

    /// <summary>Compiles one block.</summary>
    /// <param name="example">The block.</param>
    /// <returns>The assembly, or every error and warning with the Markdown file's line and column.</returns>
    public static CompileResult Compile(CodeExample example)
    {
        ArgumentNullException.ThrowIfNull(example);

        // The #line directive makes the compiler's lines (and the stack traces of the run) the Markdown file's.
        string source = string.Create(CultureInfo.InvariantCulture, $"#line {example.FirstCodeLine} \"{example.File}\"\n{example.Code}\n");
        SyntaxTree code = CSharpSyntaxTree.ParseText(SourceText.From(source, Encoding.UTF8), ParseOptions, example.File);
        SyntaxTree usings = CSharpSyntaxTree.ParseText(
            SourceText.From(string.Concat(ConsoleImplicitUsings.Select(u => $"global using global::{u};\n")), Encoding.UTF8), ParseOptions,
            "ImplicitUsings.g.cs");
        string name = "Example_" + string.Concat(example.File.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')) + "_" + example.Line;
        CSharpCompilation compilation = CSharpCompilation.Create(name, [usings, code], References.Value, Options);

        using var image = new MemoryStream();
        using var symbols = new MemoryStream();
        EmitResult emitted = compilation.Emit(image, symbols, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb));
        List<string> problems =
        [
            .. emitted.Diagnostics
                .Where(d => d.Severity is DiagnosticSeverity.Error or DiagnosticSeverity.Warning)
                .OrderBy(d => d.Location.SourceSpan.Start)
                .Select(d => Describe(d, example)),
        ];
        return problems.Count == 0 && emitted.Success
            ? new CompileResult(new CompiledExample(example, image.ToArray(), symbols.ToArray()), [])
            : new CompileResult(null, problems.Count > 0 ? problems : [$"{example}: the compiler failed without a diagnostic."]);
    }

    private static string Describe(Diagnostic diagnostic, CodeExample example)
    {
        string severity = diagnostic.Severity == DiagnosticSeverity.Error ? "error" : "warning";
        string message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
        if (!diagnostic.Location.IsInSource)
        {
            return $"{example}: {severity} {diagnostic.Id}: {message}";
        }

        FileLinePositionSpan span = diagnostic.Location.GetMappedLineSpan();
        int line = span.StartLinePosition.Line + 1;
        int column = span.StartLinePosition.Character + 1 + example.Indent;
        return string.Create(CultureInfo.InvariantCulture, $"{span.Path}:{line}:{column}: {severity} {diagnostic.Id}: {message}");
    }

    /// <summary>Every assembly the test process may load (the trusted platform assemblies): the framework, ASP.NET Core, the
    /// Personalize packages and their dependencies.</summary>
    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        string paths = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string
            ?? throw new InvalidOperationException("The runtime does not list its trusted platform assemblies (TRUSTED_PLATFORM_ASSEMBLIES).");
        return
        [
            .. paths.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)),
        ];
    }
}
