using System.Text;
using Complaints.Insights.Data;
using Complaints.Insights.V1;
using Complaints.Routing.V1;
using Complaints.ServiceDefaults.Errors;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Insights.Domain;

/// <summary>Regulator returns, generated from the day-bucketed aggregates (dimensions "fca" and "cfpb").</summary>
public sealed class Returns(InsightsDbContext db, MetricQueries metrics)
{
    private const char Separator = '\u001f';

    /// <summary>The CFPB row a closed complaint falls in: product, issue, submitted via, company response, timely.</summary>
    public static string CfpbKey(CaseFact fact, string companyResponse, string timely) =>
        string.Join(Separator, Cut(Or(fact.CfpbProduct, fact.Category)), Cut(fact.Subcategory), SubmittedVia(fact.Channel), Cut(companyResponse, 40), timely);

    /// <summary>The "timely response" part of a <see cref="CfpbKey"/>.</summary>
    public static string CfpbTimely(string key) => key.Split(Separator)[^1];

    private static string Or(string value, string fallback) => value.Length > 0 ? value : fallback;

    /// <summary>Keeps the key within its column (256) on every provider: a too-long value would stall the feed on SQL Server.</summary>
    private static string Cut(string value, int max = 100) => (value.Length > max ? value[..max] : value).Replace(Separator, ' ');

    public static string SubmittedVia(string channel) => channel switch
    {
        "CHANNEL_WEB" or "CHANNEL_PARTNER_API" => "Web",
        "CHANNEL_EMAIL" => "Email",
        "CHANNEL_PHONE" => "Phone",
        "CHANNEL_POSTAL_MAIL" => "Postal mail",
        "CHANNEL_REFERRAL" => "Referral",
        "CHANNEL_IN_PERSON" => "In person",
        "CHANNEL_REPRESENTATIVE" => "Representative",
        _ => "Other",
    };

    public static string CompanyResponse(Outcome outcome, bool withdrawn, bool monetaryRelief) => outcome switch
    {
        _ when withdrawn || outcome == Outcome.Withdrawn => "Closed",
        Outcome.Upheld or Outcome.PartlyUpheld => monetaryRelief ? "Closed with monetary relief" : "Closed with non-monetary relief",
        Outcome.NotUpheld => "Closed with explanation",
        _ => "Closed",
    };

    public async Task<GetFcaReturnResponse> FcaAsync(GetFcaReturnRequest request, CancellationToken ct)
    {
        var period = Period.Parse(request.From, request.To, new Validator());
        var rows = (await metrics.ComputeAsync(Metric.Fca, period, ct)).OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        var closed3 = await SumAsync(Metric.ClosedWithin3Days, period, ct);
        var closed8 = await SumAsync(Metric.ClosedWithin8Weeks, period, ct);
        var upheld = await SumAsync(Metric.Upheld, period, ct);
        var atStart = await metrics.BacklogAsync(Metric.Fca, period.From - 1, ct);
        foreach (var key in atStart.Where(b => b.Value != 0).Select(b => b.Key).Except(rows.Select(r => r.Key)).ToList())
        {
            // Open since before the period with nothing in it: still a row of the return.
            rows.Add(MetricQueries.Build(Metric.Fca, key, new Dictionary<string, long>(), atStart[key]));
        }
        rows = [.. rows.OrderBy(r => r.Key, StringComparer.Ordinal)];
        var response = new GetFcaReturnResponse { From = request.From, To = request.To };
        foreach (var r in rows)
        {
            var row = new FcaReturnRow
            {
                ProductGroup = r.Key,
                OutstandingAtStart = atStart.GetValueOrDefault(r.Key),
                Opened = r.Received,
                Closed = r.Closed,
                ClosedWithin3Days = closed3.GetValueOrDefault(r.Key),
                ClosedWithin8Weeks = closed8.GetValueOrDefault(r.Key),
                Upheld = upheld.GetValueOrDefault(r.Key),
                Outstanding = r.Backlog,
            };
            row.UpheldPercent = row.Closed == 0 ? 0 : Math.Round(100.0 * row.Upheld / row.Closed, 2);
            row.RedressPaid.AddRange(r.RemedyTotals);
            response.Rows.Add(row);
        }
        var total = new FcaReturnRow
        {
            ProductGroup = "Total",
            OutstandingAtStart = response.Rows.Sum(r => r.OutstandingAtStart),
            Opened = response.Rows.Sum(r => r.Opened),
            Closed = response.Rows.Sum(r => r.Closed),
            ClosedWithin3Days = response.Rows.Sum(r => r.ClosedWithin3Days),
            ClosedWithin8Weeks = response.Rows.Sum(r => r.ClosedWithin8Weeks),
            Upheld = response.Rows.Sum(r => r.Upheld),
            Outstanding = response.Rows.Sum(r => r.Outstanding),
        };
        total.UpheldPercent = total.Closed == 0 ? 0 : Math.Round(100.0 * total.Upheld / total.Closed, 2);
        total.RedressPaid.AddRange(response.Rows.SelectMany(r => r.RedressPaid)
            .GroupBy(m => m.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new MoneyTotal { Currency = g.Key, Amount = g.Sum(m => decimal.Parse(m.Amount, System.Globalization.CultureInfo.InvariantCulture)).ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        response.Total = total;
        var csv = new StringBuilder("Product group,Outstanding at start,Opened,Closed,Closed within 3 days,Closed within 8 weeks,Upheld,Upheld %,Redress paid,Outstanding\n");
        foreach (var row in response.Rows.Append(total))
        {
            csv.AppendJoin(',', Csv(row.ProductGroup), row.OutstandingAtStart, row.Opened, row.Closed, row.ClosedWithin3Days, row.ClosedWithin8Weeks, row.Upheld,
                row.UpheldPercent.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
                Csv(string.Join("; ", row.RedressPaid.Select(m => m.Amount + " " + m.Currency))), row.Outstanding).Append('\n');
        }
        response.Csv = csv.ToString();
        return response;
    }

    public async Task<GetCfpbExportResponse> CfpbAsync(GetCfpbExportRequest request, CancellationToken ct)
    {
        var period = Period.Parse(request.From, request.To, new Validator());
        var rows = await SumAsync(Metric.Closed, period, ct, Metric.Cfpb);
        var csv = new StringBuilder("Product,Issue,Submitted via,Company response to consumer,Timely response?,Complaints\n");
        foreach (var (key, count) in rows.Where(r => r.Value > 0).OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            csv.AppendJoin(',', key.Split(Separator).Select(Csv)).Append(',').Append(count).Append('\n');
        }
        return new GetCfpbExportResponse { Csv = csv.ToString(), Rows = rows.Count(r => r.Value > 0), Complaints = rows.Values.Sum() };
    }

    private Task<Dictionary<string, long>> SumAsync(string metric, Period period, CancellationToken ct, string dimension = Metric.Fca) =>
        db.DailyMetrics.AsNoTracking()
            .Where(m => m.Dimension == dimension && m.Metric == metric && m.Day >= period.From && m.Day <= period.To)
            .GroupBy(m => m.Key)
            .Select(g => new { g.Key, Value = g.Sum(m => m.Value) })
            .ToDictionaryAsync(x => x.Key, x => x.Value, ct);

    /// <summary>RFC 4180 quoting, and a leading quote against formula injection in spreadsheets.</summary>
    public static string Csv(string value)
    {
        if (value.Length > 0 && "=+-@".Contains(value[0]))
        {
            value = "'" + value;
        }
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
