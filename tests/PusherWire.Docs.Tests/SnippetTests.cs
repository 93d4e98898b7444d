// Docs that cannot rot: every ```csharp block of the README, docs/ and the package READMEs must compile.
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace PusherWire.Docs.Tests;

/// <summary>
/// Each snippet is compiled as a top-level program against the real PusherWire assemblies, with the SDK's implicit
/// usings and two names a reader brings along: <c>accessToken</c> (a string) and <c>cancellationToken</c>. Anything
/// else a snippet uses it must declare. A block preceded by <c>&lt;!-- no-compile --&gt;</c> is skipped.
/// </summary>
public partial class SnippetTests
{
    private const string Prelude = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;

        internal static partial class Program
        {
            private static readonly string accessToken = "token";
            private static readonly CancellationToken cancellationToken = CancellationToken.None;
        }
        """;

    private static readonly Lazy<MetadataReference[]> References = new(LoadReferences);

    public static IEnumerable<TestCaseData> Snippets()
    {
        string root = RepositoryRoot();
        IEnumerable<string> files = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md"))
            .Concat(Directory.GetFiles(Path.Combine(root, "src"), "README.md", SearchOption.AllDirectories));
        foreach (string file in files.Order(StringComparer.Ordinal))
        {
            string text = File.ReadAllText(file);
            foreach (Match m in Fence().Matches(text))
            {
                if (m.Groups["skip"].Success)
                {
                    continue;
                }

                int line = text[..m.Index].Count(c => c == '\n') + 1;
                string name = $"{Path.GetRelativePath(root, file).Replace('\\', '/')}:{line}";
                yield return new TestCaseData(name, m.Groups["code"].Value).SetName(name);
            }
        }
    }

    [Test]
    public void EveryDocumentHasItsSnippetsFound() =>
        Assert.That(Snippets().Select(s => ((string)s.Arguments[0]!).Split(':')[0]).Distinct(), Does.Contain("README.md").And.Contain("docs/hosting.md"));

    [TestCaseSource(nameof(Snippets))]
    public void Compiles(string name, string code)
    {
        var options = new CSharpParseOptions(LanguageVersion.Preview);
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Snippet",
            [CSharpSyntaxTree.ParseText(Prelude, options, "Prelude.cs"), CSharpSyntaxTree.ParseText(code, options, name)],
            References.Value,
            new CSharpCompilationOptions(HasStatements(code) ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();

        Assert.That(errors, Is.Empty, $"{name} does not compile:\n{code}");
    }

    /// <summary>A snippet of declarations only (a test class) is compiled as a library: it has no Main.</summary>
    private static bool HasStatements(string code) =>
        CSharpSyntaxTree.ParseText(code).GetCompilationUnitRoot().Members.OfType<Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax>().Any();

    private static MetadataReference[] LoadReferences()
    {
        // The runtime's own assemblies plus everything beside this test (the PusherWire packages and their dependencies).
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).ToList();
        paths.AddRange(Directory.GetFiles(AppContext.BaseDirectory, "*.dll"));
        return [.. paths
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.First())
            .Where(IsManaged)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }

    private static bool IsManaged(string path)
    {
        try
        {
            _ = AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PusherWire.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PusherWire.sln not found above the test directory.");
    }

    [GeneratedRegex(@"(?<skip><!-- no-compile -->\s*\n)?^```csharp[^\n]*\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();
}
