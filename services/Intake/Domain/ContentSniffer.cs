using System.IO.Compression;
using System.Text.Unicode;

namespace Complaints.Intake.Domain;

/// <summary>Decides what a document is from its bytes. Only types a complaints team can open safely are accepted.</summary>
public static class ContentSniffer
{
    public const string Pdf = "application/pdf";
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string Gif = "image/gif";
    public const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string Text = "text/plain";

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> JpegSignature => [0xFF, 0xD8, 0xFF];

    public static readonly IReadOnlyList<string> Accepted = [Pdf, Png, Jpeg, Gif, Docx, Xlsx, Text];

    /// <summary>The content type, or null when the bytes are none of the accepted kinds.</summary>
    public static string? Sniff(byte[] bytes)
    {
        ReadOnlySpan<byte> content = bytes;
        if (content.StartsWith("%PDF-"u8))
        {
            return Pdf;
        }
        if (content.StartsWith(PngSignature))
        {
            return Png;
        }
        if (content.StartsWith(JpegSignature))
        {
            return Jpeg;
        }
        if (content.StartsWith("GIF87a"u8) || content.StartsWith("GIF89a"u8))
        {
            return Gif;
        }
        if (content.StartsWith("PK\u0003\u0004"u8))
        {
            return OfficeDocument(bytes);
        }
        return IsPlainText(content) ? Text : null;
    }

    /// <summary>A Word or Excel document without macros; any other zip (or a broken one) is refused.</summary>
    private static string? OfficeDocument(byte[] content)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(content), ZipArchiveMode.Read);
            var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.OrdinalIgnoreCase);
            if (!names.Contains("[Content_Types].xml") || names.Any(n => n.EndsWith("vbaProject.bin", StringComparison.OrdinalIgnoreCase)))
            {
                return null;
            }
            return names.Contains("word/document.xml") ? Docx : names.Contains("xl/workbook.xml") ? Xlsx : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static bool IsPlainText(ReadOnlySpan<byte> content)
    {
        if (content.IsEmpty || !Utf8.IsValid(content))
        {
            return false;
        }
        foreach (var b in content)
        {
            if (b < 0x20 && b is not (byte)'\n' and not (byte)'\r' and not (byte)'\t')
            {
                return false;
            }
        }
        return true;
    }
}
