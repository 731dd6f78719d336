#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the end-to-end test of sharded runs
# (test/cluster/slurm.test.ts): Debian's slurmctld, slurmd, slurm-client and munge, configured
# for localhost (root, proctrack/linuxproc, task/none, no accounting database, NodeName equal to
# `hostname -s`), the daemons started directly (CI machines have no systemd). Idempotent: a cluster
# that already answers is left as it is. Needs root.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then echo "slurm-up: needs root (apt-get, daemons)" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive

host="$(hostname -s)"
if pgrep -x slurmd >/dev/null && command -v scontrol >/dev/null 2>&1 && scontrol ping 2>/dev/null | grep -q 'is UP' \
   && sinfo -h -n "$host" -o %T 2>/dev/null | grep -Eq '^(idle|mixed|allocated)'; then
  echo "slurm-up: cluster already up: $(sinfo -h -o '%P %D %T %c')"; exit 0
fi

missing=()
for p in slurmctld slurmd slurm-client munge; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# munge: a key, its runtime directory, the daemon as the munge user.
install -d -o munge -g munge -m 0700 /etc/munge /var/lib/munge /var/log/munge
install -d -o munge -g munge -m 0755 /run/munge
[ -s /etc/munge/munge.key ] || { dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none; chown munge:munge /etc/munge/munge.key; chmod 0400 /etc/munge/munge.key; }
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
fi
munge -n | unmunge >/dev/null || { echo "slurm-up: munged does not answer" >&2; exit 1; }

# slurm.conf: the node line as slurmd itself measures this machine (CPUs, memory), named `hostname -s`.
install -d -m 0755 /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
node="$(slurmd -C | head -n 1)"
case "$node" in NodeName="$host"*) ;; *) echo "slurm-up: slurmd -C says '$node', expected NodeName=$host" >&2; exit 1;; esac
cat > /etc/slurm/slurm.conf <<CONF
# Written by lawfit's .ci/slurm-up.sh: a one-node cluster on localhost for tests.
ClusterName=lawfit-ci
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SlurmdTimeout=60
$node State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF
# No cgroup.conf: slurmd 22.05 (bookworm) has no CgroupPlugin=disabled and autodetects v1 or v2;
# with proctrack/linuxproc and task/none it only loads the plugin, it confines nothing.

pgrep -x slurmctld >/dev/null || /usr/sbin/slurmctld
pgrep -x slurmd >/dev/null || /usr/sbin/slurmd || { echo 'slurm-up: slurmd did not start; its log follows' >&2; tail -n 20 /var/log/slurm/slurmd.log >&2; exit 1; }
for _ in $(seq 60); do
  state="$(sinfo -h -n "$host" -o %T 2>/dev/null || true)"
  case "$state" in idle*|mixed*|allocated*) break;; down*|drain*) scontrol update NodeName="$host" State=RESUME 2>/dev/null || true;; esac
  sleep 0.5
done
state="$(sinfo -h -n "$host" -o %T 2>/dev/null || true)"
case "$state" in idle*|mixed*|allocated*) echo "slurm-up: node $host $state: $(sinfo -h -o '%P %D %T %c CPUs')";;
  *) echo "slurm-up: node $host is '$state'; logs follow" >&2; tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2; exit 1;; esac
