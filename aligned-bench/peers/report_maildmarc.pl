#!/usr/bin/perl
# Mail::DMARC (Debian libmail-dmarc-perl) parsing an aggregate report file into its model, looping inside one
# process. The parse is Mail::DMARC::Report::Receive's own (XML::LibXML DOM + do_node_*); storing the result
# in its SQL backend is skipped so that parsing alone is measured.
# Usage: report_maildmarc.pl REPORT.xml [SECONDS]   (prints one JSON line)
use strict;
use warnings;
use Time::HiRes qw(time);
use Mail::DMARC;
use Mail::DMARC::Report::Receive;

my ($file, $seconds) = @ARGV;
$seconds ||= 10;
open my $fh, '<:raw', $file or die "$file: $!";
my $xml = do { local $/; <$fh> };
close $fh;

no warnings qw(redefine once);
*Mail::DMARC::Report::Aggregate::save_aggregate = sub { return 1 };
*Mail::DMARC::Report::save_aggregate = sub { return 1 };

sub parse_once {
    my $r = Mail::DMARC::Report::Receive->new;
    my $dom = XML::LibXML->load_xml(string => $xml);
    $r->do_node_report_metadata($dom->findnodes('/feedback/report_metadata'));
    $r->do_node_policy_published($dom->findnodes('/feedback/policy_published'));
    my $n = 0;
    foreach my $rec ($dom->findnodes('/feedback/record')) {
        $r->do_node_record($rec);
        $n++;
    }
    return $n;
}

my $records = parse_once();
my ($start, $n) = (time, 0);
while (time - $start < $seconds) { parse_once(); $n++; }
my $el = time - $start;
printf "{\"peer\": \"Mail::DMARC %s\", \"file\": \"%s\", \"bytes\": %d, \"records\": %d, \"parses\": %d, \"seconds\": %.3f, \"mb_per_second\": %.2f, \"records_per_second\": %.1f}\n",
    (Mail::DMARC->VERSION // "?"), $file, length($xml), $records, $n, $el, $n * length($xml) / $el / 1e6, $n * $records / $el;
