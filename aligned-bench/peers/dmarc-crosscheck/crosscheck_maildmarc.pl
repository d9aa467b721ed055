#!/usr/bin/perl
# Mail::DMARC's side of the DMARC cross-check (Debian libmail-dmarc-perl): evaluates every scenario of
# scenarios.json with Mail::DMARC::PurePerl->validate and prints one JSON line per scenario.
# DNS answers come from the scenario's zonedata through a small resolver object handed to set_resolver
# (send/query as Net::DNS::Resolver has them: a TIMEOUT name gives undef, like a resolver that timed out).
# The organizational domain comes from Mail::DMARC's bundled Public Suffix List.
# Usage: crosscheck_maildmarc.pl scenarios.json
use strict;
use warnings;
use JSON::PP;
use Net::DNS;
use Mail::DMARC::PurePerl;

package ZoneResolver {
    sub new { my ($class, $zone, $log) = @_; return bless { zone => $zone, log => $log }, $class }

    sub _answer {
        my ($self, $name, $type) = @_;
        $name = lc $name; $name =~ s/\.$//;
        push @{ $self->{log} }, "$type $name";
        my $recs = $self->{zone}{$name};
        return (undef, 'NXDOMAIN') if !$recs && !grep { /\.\Q$name\E$/ } keys %{ $self->{zone} };
        $recs ||= [];
        return (undef, 'TIMEOUT') if grep { !ref $_ && $_ eq 'TIMEOUT' } @$recs;
        my $p = Net::DNS::Packet->new($name, $type, 'IN');
        $p->header->rcode('NOERROR');
        for my $r (@$recs) {
            my ($t, $v) = %$r;
            next if $t ne $type || $v eq 'NONE';
            if ($t eq 'TXT') {
                $p->push(answer => Net::DNS::RR->new(name => $name, type => 'TXT',
                    txtdata => ref $v ? $v : [$v]));
            } elsif ($t eq 'A' || $t eq 'AAAA') {
                $p->push(answer => Net::DNS::RR->new(name => $name, type => $t, address => $v));
            } elsif ($t eq 'MX') {
                $p->push(answer => Net::DNS::RR->new(name => $name, type => 'MX', preference => $v->[0],
                    exchange => $v->[1]));
            }
        }
        return ($p, 'NOERROR');
    }

    sub send {
        my ($self, $name, $type) = @_;
        my ($p, $rcode) = $self->_answer($name, $type);
        return undef if $rcode eq 'TIMEOUT';
        if ($rcode eq 'NXDOMAIN') {
            $p = Net::DNS::Packet->new($name, $type, 'IN');
            $p->header->rcode('NXDOMAIN');
        }
        return $p;
    }

    sub query {
        my ($self, $name, $type) = @_;
        my ($p) = $self->_answer($name, $type);
        return undef if !$p || !$p->answer;
        return $p;
    }
}

package main;

my $file = shift or die "usage: $0 scenarios.json\n";
open my $fh, '<:raw', $file or die "$file: $!";
my $scenarios = decode_json(do { local $/; <$fh> })->{scenarios};
close $fh;
my $json = JSON::PP->new->canonical;
srand(1);

for my $sc (@$scenarios) {
    my @log;
    my %out = (id => $sc->{id});
    eval {
        my $d = Mail::DMARC::PurePerl->new;
        $d->set_resolver(ZoneResolver->new($sc->{zonedata}, \@log));
        $d->source_ip('192.0.2.1');
        $d->envelope_to('example.org');
        $d->header_from($sc->{from});
        if ($sc->{spf}) {
            $d->spf(domain => $sc->{spf}{domain}, scope => 'mfrom', result => $sc->{spf}{result});
        } else {
            $d->spf([]);
        }
        $d->dkim([ map { { domain => $_->{domain}, selector => 's', result => $_->{result} } } @{ $sc->{dkim} } ]);
        my $r = $d->validate;
        $out{result} = $r->result;
        $out{disposition} = $r->disposition;
        my $pub = eval { $r->published };
        if ($pub) {
            my $p = $d->is_subdomain && defined $pub->sp ? $pub->sp : $pub->p;
            $out{policy} = defined $p ? lc $p : undef;
            $out{policy_domain} = $pub->domain;
        } else {
            $out{policy} = undef;
        }
        my $reason = eval { $r->reason };
        $out{reasons} = [ map { join ': ', grep { defined } $_->type, $_->comment } @{ $reason || [] } ];
        1;
    } or do {
        $out{result} = 'exception';
        $out{disposition} = 'none';
        ($out{error} = "$@") =~ s/\s+$//;
    };
    $out{queries} = \@log;
    print $json->encode(\%out), "\n";
}
