using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SelfHealing.Docs.Tests;

/// <summary>
/// Every C# block of README.md and docs/ compiles, as a reader would paste it: statements into a method of a program
/// (so top-level <c>await</c> and <c>args</c> work), declarations beside it, against the assemblies the packages ship.
/// Names a fragment takes from the reader's program (<c>builder</c>, <c>app</c>, <c>breaker</c>, the reader's own types)
/// come from <see cref="Reader"/>'s files; errors point at the markdown file and line.
/// </summary>
public sealed partial class SnippetCompilationTests
{
    // The implicit usings of a web project, and SelfHealing's namespaces, which fragments leave out.
    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Microsoft.AspNetCore.Builder;
        global using Microsoft.AspNetCore.Hosting;
        global using Microsoft.AspNetCore.Http;
        global using Microsoft.AspNetCore.Mvc;
        global using Microsoft.AspNetCore.Routing;
        global using Microsoft.Extensions.Configuration;
        global using Microsoft.Extensions.DependencyInjection;
        global using Microsoft.Extensions.Hosting;
        global using Microsoft.Extensions.Logging;
        global using SelfHealing;
        global using SelfHealing.Chaos;
        global using SelfHealing.CircuitBreakers;
        global using SelfHealing.Dashboard;
        global using SelfHealing.Configuration;
        global using SelfHealing.Coordination;
        global using SelfHealing.DependencyInjection;
        global using SelfHealing.Events;
        global using SelfHealing.Health;
        global using SelfHealing.Http;
        global using SelfHealing.Metrics;
        global using SelfHealing.Metrics.Analysis;
        global using SelfHealing.Optimization;
        global using SelfHealing.Recovery;
        global using SelfHealing.Storage;
        global using SelfHealing.Supervision;
        global using SelfHealing.Telemetry;
        """;

    public static TheoryData<string> Documents() =>
        [.. DocumentPaths().Where(p => Snippets(p).Count > 0).Select(p => Path.GetRelativePath(RepositoryRoot, p).Replace('\\', '/'))];

    [Fact]
    public void Every_page_with_csharp_is_found()
    {
        // A guard against the test passing because it read nothing.
        Snippets(Path.Combine(RepositoryRoot, "README.md")).Should().HaveCountGreaterThanOrEqualTo(2);
        Documents().Count.Should().BeGreaterThanOrEqualTo(12);
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_csharp_block_compiles(string document)
    {
        List<Snippet> snippets = Snippets(Path.Combine(RepositoryRoot, document));
        var trees = new List<SyntaxTree>
        {
            CSharpSyntaxTree.ParseText(GlobalUsings, Options, "GlobalUsings.cs"),
        };
        trees.AddRange(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Reader"), "*.cs")
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), Options, f)));

        var errors = new List<string>();
        for (int i = 0; i < snippets.Count; i++)
        {
            SyntaxTree parsed = CSharpSyntaxTree.ParseText(snippets[i].Code, Options);
            errors.AddRange(parsed.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)
                .Select(d => $"{document}:{snippets[i].Line + d.Location.GetLineSpan().StartLinePosition.Line} {d.Id}: {d.GetMessage(CultureInfo.InvariantCulture)}"));
            trees.Add(CSharpSyntaxTree.ParseText(Wrap(document, i, snippets[i], (CompilationUnitSyntax)parsed.GetRoot()), Options, $"{document}#{i + 1}.cs"));
        }

        CSharpCompilation compilation = CSharpCompilation.Create(
            "DocSnippets",
            trees,
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        errors.AddRange(compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => $"{d.Location.GetMappedLineSpan().Path}:{d.Location.GetMappedLineSpan().StartLinePosition.Line + 1} {d.Id}: {d.GetMessage(CultureInfo.InvariantCulture)}"));

        errors.Should().BeEmpty($"every C# block of {document} should compile as pasted ({snippets.Count} blocks)");
    }

    private static readonly CSharpParseOptions Options = new(LanguageVersion.Preview);

    private static readonly Lazy<MetadataReference[]> References = new(() =>
        [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(p => MetadataReference.CreateFromFile(p))]);

    private static string RepositoryRoot { get; } = FindRoot();

    // Statements go into a method of a class that sees the reader's names; declarations stay beside it. #line maps
    // every error back to the markdown.
    private static string Wrap(string document, int index, Snippet snippet, CompilationUnitSyntax unit)
    {
        var code = new StringBuilder();
        foreach (UsingDirectiveSyntax directive in unit.Usings)
        {
            code.AppendLine(directive.ToString());
        }

        code.AppendLine(CultureInfo.InvariantCulture, $"namespace DocSnippets.Snippet{index + 1}");
        code.AppendLine("{");
        code.AppendLine("file sealed class Program : DocSnippets.Reader");
        code.AppendLine("{");
        code.AppendLine("#pragma warning disable CS1998, CS0168, CS0219, CS8321");
        code.AppendLine("public async System.Threading.Tasks.Task RunAsync(string[] args)");
        code.AppendLine("{");
        foreach (GlobalStatementSyntax statement in unit.Members.OfType<GlobalStatementSyntax>())
        {
            AppendMapped(code, document, snippet, unit, statement);
        }

        code.AppendLine("#line default");
        code.AppendLine("}");
        code.AppendLine("}");
        foreach (MemberDeclarationSyntax member in unit.Members.Where(m => m is not GlobalStatementSyntax))
        {
            AppendMapped(code, document, snippet, unit, member);
        }

        code.AppendLine("#line default");
        code.AppendLine("}");
        return code.ToString();
    }

    private static void AppendMapped(StringBuilder code, string document, Snippet snippet, CompilationUnitSyntax unit, SyntaxNode node)
    {
        int line = unit.SyntaxTree.GetLineSpan(node.Span).StartLinePosition.Line;
        code.AppendLine(CultureInfo.InvariantCulture, $"#line {snippet.Line + line} \"{document}\"");
        code.AppendLine(node.ToString());
    }

    private static List<Snippet> Snippets(string path)
    {
        string[] lines = File.ReadAllLines(path);
        var snippets = new List<Snippet>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp")
            {
                continue;
            }

            int first = i + 1;
            int end = first;
            while (end < lines.Length && lines[end].Trim() != "```")
            {
                end++;
            }

            snippets.Add(new Snippet(first + 1, string.Join('\n', lines[first..end])));
            i = end;
        }

        return snippets;
    }

    private static IEnumerable<string> DocumentPaths() =>
        [Path.Combine(RepositoryRoot, "README.md"), .. Directory.GetFiles(Path.Combine(RepositoryRoot, "docs"), "*.md").Order(StringComparer.Ordinal)];

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SelfHealing.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No SelfHealing.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>One block: the markdown line of its first code line, and its code.</summary>
    private sealed record Snippet(int Line, string Code);
}
