#!/bin/busybox sh
# /init of the capture initramfs: bring the NVMe controllers up, do a little DMA through
# the SMMU (reads, one synced write), then idle so the host can stop the VM in a quiet state.
/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "=== CAP: start"
lspci 2>/dev/null
for g in /sys/kernel/iommu_groups/*; do echo "iommu group ${g##*/}: $(ls $g/devices)"; done
# Wait for the block devices (the NVMe probe is asynchronous).
n=0
while [ $n -lt 100 ] && ! ls /dev/nvme*n1 >/dev/null 2>&1; do sleep 0.1; n=$((n + 1)); done
last=""
for d in /dev/nvme*n1; do
    echo "=== CAP: reading $d"
    dd if=$d of=/dev/null bs=64k count=16 2>&1
    dd if=$d of=/dev/null bs=4k skip=3000 count=1 2>&1
    dd if=$d bs=512 skip=12345 count=1 2>/dev/null | hexdump -C | head -2
    last=$d
done
if [ -n "$last" ]; then
    echo "=== CAP: writing $last"
    dd if=/proc/version of=$last seek=100 conv=fsync 2>&1
fi
cat /proc/interrupts
echo "=== CAP: idle"
while true; do sleep 3600; done
