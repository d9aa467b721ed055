#!/usr/bin/perl
# Mail::DMARC (Debian libmail-dmarc-perl) importing aggregate-report e-mails into its SQLite report store, the
# code path of its `dmarc_receive --file MSG`, looping over the messages inside one process (start-up, and the
# schema creation on the first message, are not timed). The e-mails are written by
# dev.aligned.bench.store.StoreImportBench (--peer-reports N): gzip attachments of RFC 7489 XML.
# Usage: store_maildmarc.pl MAIL_DIR WORK_DIR   (prints one JSON line; WORK_DIR gets mail-dmarc.ini and the db)
use strict;
use warnings;
use Time::HiRes qw(time);
use File::Path qw(make_path remove_tree);
use DBI;

my ($maildir, $work) = @ARGV;
die "usage: $0 MAIL_DIR WORK_DIR\n" unless $maildir && $work;
remove_tree($work);
make_path($work);
my $db = "$work/dmarc_reports.sqlite";
open my $ini, '>', "$work/mail-dmarc.ini" or die "$work/mail-dmarc.ini: $!";
print $ini "[organization]\ndomain = example.com\norg_name = Aligned bench\nemail = noreply\@example.com\n"
    . "[report_store]\nbackend = SQL\ndsn = dbi:SQLite:dbname=$db\nuser =\npass =\n"
    . "[dns]\ntimeout = 5\npublic_suffix_list = /usr/share/publicsuffix/public_suffix_list.dat\n";
close $ini;
$ENV{MAIL_DMARC_CONFIG_FILE} = "$work/mail-dmarc.ini";
require Mail::DMARC;
require Mail::DMARC::Report::Receive;

opendir my $dh, $maildir or die "$maildir: $!";
my @files = sort grep { /\.eml$/ } readdir $dh;
closedir $dh;
die "no .eml files in $maildir\n" unless @files;

# the first message creates the schema: imported but not timed
Mail::DMARC::Report::Receive->new->from_file("$maildir/$files[0]");
my $start = time;
for my $f (@files[1 .. $#files]) {
    Mail::DMARC::Report::Receive->new->from_file("$maildir/$f");
}
my $el = time - $start;

my $dbh = DBI->connect("dbi:SQLite:dbname=$db", '', '', { RaiseError => 1 });
my ($reports) = $dbh->selectrow_array('SELECT COUNT(*) FROM report');
my ($records) = $dbh->selectrow_array('SELECT COUNT(*) FROM report_record');
my ($first) = $dbh->selectrow_array('SELECT COUNT(*) FROM report_record WHERE report_id = (SELECT MIN(id) FROM report)');
$dbh->disconnect;
my $timed = $records - $first;
printf "{\"peer\": \"Mail::DMARC %s dmarc_receive --file\", \"messages\": %d, \"reports\": %d, \"records\": %d, "
    . "\"timed_records\": %d, \"seconds\": %.3f, \"records_per_second\": %.1f, \"db_bytes\": %d}\n",
    (Mail::DMARC->VERSION // "?"), scalar(@files), $reports, $records, $timed, $el, $el > 0 ? $timed / $el : 0,
    -s $db;
