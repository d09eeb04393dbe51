"""Flat SVG drawings of the corpus's product types, for `images.product_svg`.

Each drawing is SVG markup in a 300x300 box with `str.format` fields for its colours: `{m}`
main (the variant's colour), `{d}` a darker and `{l}` a lighter shade of it, `{a}` the
product's accent, `{k}` near-black and `{w}` white. No text, no references, no scripts.
"""

from __future__ import annotations

__all__ = ["SHAPES"]

S = 'stroke="{d}" stroke-width="3"'  # the outline every main body gets (white items show)

_GADGETS = {
    "phone": f'<rect x="105" y="45" width="90" height="190" rx="16" fill="{{k}}" {S}/>'
             '<rect x="112" y="58" width="76" height="160" rx="6" fill="{l}"/>'
             '<rect x="112" y="58" width="76" height="50" rx="6" fill="{m}"/>'
             '<circle cx="150" cy="51" r="3" fill="{d}"/>',
    "tablet": f'<rect x="70" y="60" width="160" height="180" rx="14" fill="{{k}}" {S}/>'
              '<rect x="80" y="70" width="140" height="160" rx="4" fill="{l}"/>'
              '<rect x="80" y="70" width="140" height="60" rx="4" fill="{m}"/>',
    "laptop": f'<rect x="75" y="70" width="150" height="100" rx="8" fill="{{m}}" {S}/>'
              '<rect x="84" y="79" width="132" height="82" rx="3" fill="{l}"/>'
              f'<path d="M55 178 h190 l-12 22 h-166 z" fill="{{m}}" {S}/>',
    "monitor": f'<rect x="55" y="60" width="190" height="125" rx="8" fill="{{k}}" {S}/>'
               '<rect x="63" y="68" width="174" height="105" fill="{l}"/>'
               '<rect x="140" y="185" width="20" height="35" fill="{d}"/>'
               '<rect x="105" y="218" width="90" height="10" rx="4" fill="{m}"/>',
    "tv": f'<rect x="40" y="70" width="220" height="135" rx="6" fill="{{k}}" {S}/>'
          '<rect x="47" y="77" width="206" height="121" fill="{a}" fill-opacity="0.6"/>'
          '<path d="M47 170 l60 -40 l40 25 l50 -45 l56 60 v28 h-206 z" fill="{l}"/>'
          '<path d="M95 205 l-15 25 M205 205 l15 25" stroke="{d}" stroke-width="6"/>',
    "watch": '<rect x="128" y="40" width="44" height="220" rx="14" fill="{d}"/>'
             f'<rect x="100" y="95" width="100" height="110" rx="26" fill="{{m}}" {S}/>'
             '<rect x="110" y="105" width="80" height="90" rx="18" fill="{k}"/>'
             '<path d="M150 150 v-25 M150 150 h18" stroke="{l}" stroke-width="5" '
             'stroke-linecap="round"/>',
    "earbuds": f'<rect x="80" y="150" width="140" height="80" rx="38" fill="{{m}}" {S}/>'
               '<path d="M80 180 h140" stroke="{d}" stroke-width="2"/>'
               f'<circle cx="115" cy="110" r="24" fill="{{m}}" {S}/>'
               '<rect x="108" y="120" width="14" height="45" rx="7" fill="{m}"/>'
               f'<circle cx="185" cy="110" r="24" fill="{{m}}" {S}/>'
               '<rect x="178" y="120" width="14" height="45" rx="7" fill="{m}"/>',
    "headphones": '<path d="M80 165 v-25 a70 70 0 0 1 140 0 v25" fill="none" stroke="{d}" '
                  'stroke-width="14"/>'
                  f'<rect x="62" y="150" width="46" height="80" rx="20" fill="{{m}}" {S}/>'
                  f'<rect x="192" y="150" width="46" height="80" rx="20" fill="{{m}}" {S}/>',
    "speaker": f'<rect x="90" y="60" width="120" height="180" rx="50" fill="{{m}}" {S}/>'
               '<circle cx="150" cy="120" r="24" fill="{d}"/><circle cx="150" cy="185" r="34" '
               'fill="{d}"/><circle cx="150" cy="185" r="14" fill="{l}"/>',
    "camera": f'<rect x="60" y="95" width="180" height="115" rx="14" fill="{{m}}" {S}/>'
              '<rect x="85" y="80" width="50" height="20" rx="4" fill="{d}"/>'
              '<circle cx="160" cy="152" r="42" fill="{k}"/><circle cx="160" cy="152" r="26" '
              'fill="{a}"/><circle cx="152" cy="144" r="7" fill="{w}" fill-opacity="0.7"/>',
    "powerbank": f'<rect x="100" y="60" width="100" height="180" rx="18" fill="{{m}}" {S}/>'
                 '<rect x="135" y="80" width="30" height="10" rx="3" fill="{d}"/>'
                 '<path d="M155 130 l-20 35 h18 l-8 30 l25 -42 h-18 z" fill="{a}"/>',
    "keyboard": f'<rect x="40" y="110" width="220" height="90" rx="10" fill="{{m}}" {S}/>'
                '<g fill="{l}"><rect x="52" y="122" width="196" height="14" rx="3"/>'
                '<rect x="52" y="142" width="196" height="14" rx="3"/>'
                '<rect x="52" y="162" width="196" height="14" rx="3"/></g>'
                '<rect x="100" y="182" width="100" height="10" rx="3" fill="{a}"/>',
    "mouse": f'<rect x="105" y="70" width="90" height="160" rx="45" fill="{{m}}" {S}/>'
             '<path d="M150 70 v55" stroke="{d}" stroke-width="3"/>'
             '<rect x="144" y="92" width="12" height="24" rx="6" fill="{a}"/>',
    "drive": f'<rect x="90" y="75" width="120" height="150" rx="16" fill="{{m}}" {S}/>'
             '<rect x="105" y="95" width="90" height="6" rx="3" fill="{l}"/>'
             '<circle cx="150" cy="200" r="5" fill="{a}"/>',
    "hub": f'<rect x="70" y="125" width="160" height="50" rx="12" fill="{{m}}" {S}/>'
           '<g fill="{k}"><rect x="88" y="142" width="20" height="10" rx="2"/>'
           '<rect x="116" y="142" width="20" height="10" rx="2"/>'
           '<rect x="144" y="142" width="20" height="10" rx="2"/>'
           '<rect x="172" y="142" width="26" height="12" rx="2"/></g>'
           '<path d="M230 150 h30" stroke="{k}" stroke-width="6" stroke-linecap="round"/>',
    "webcam": f'<rect x="80" y="100" width="140" height="70" rx="35" fill="{{k}}" {S}/>'
              '<circle cx="150" cy="135" r="24" fill="{m}"/><circle cx="150" cy="135" r="12" '
              'fill="{a}"/><path d="M130 170 l-10 50 h60 l-10 -50" fill="{d}"/>',
    "router": f'<rect x="60" y="150" width="180" height="55" rx="12" fill="{{m}}" {S}/>'
              '<path d="M90 150 l-10 -70 M210 150 l10 -70 M150 150 v-80" stroke="{d}" '
              'stroke-width="8" stroke-linecap="round"/>'
              '<g fill="{a}"><circle cx="100" cy="178" r="5"/><circle cx="120" cy="178" r="5"/>'
              '<circle cx="140" cy="178" r="5"/></g>',
    "stand": '<path d="M90 215 l40 -120 M210 215 l-40 -120" stroke="{d}" stroke-width="10" '
             'stroke-linecap="round"/>'
             f'<path d="M70 105 l160 -25 l5 18 l-160 25 z" fill="{{m}}" {S}/>',
}

_HOME = {
    "pan": f'<ellipse cx="130" cy="160" rx="80" ry="55" fill="{{m}}" {S}/>'
           '<ellipse cx="130" cy="155" rx="62" ry="40" fill="{k}" fill-opacity="0.85"/>'
           '<rect x="205" y="148" width="80" height="18" rx="9" fill="{d}"/>',
    "kettle": f'<path d="M95 230 l10 -120 a45 45 0 0 1 90 0 l10 120 z" fill="{{m}}" {S}/>'
              '<path d="M105 130 l-35 -25" stroke="{d}" stroke-width="12" '
              'stroke-linecap="round"/><path d="M205 120 q45 20 5 90" fill="none" '
              'stroke="{d}" stroke-width="12"/><rect x="85" y="230" width="130" height="15" '
              'rx="5" fill="{k}"/>',
    "mug": f'<rect x="85" y="90" width="115" height="135" rx="14" fill="{{m}}" {S}/>'
           '<path d="M200 120 h20 a28 28 0 0 1 0 56 h-20" fill="none" stroke="{d}" '
           'stroke-width="12"/><ellipse cx="142" cy="92" rx="55" ry="8" fill="{d}"/>',
    "blender": f'<path d="M105 60 h90 l-12 120 h-66 z" fill="{{l}}" fill-opacity="0.8" {S}/>'
               '<rect x="100" y="50" width="100" height="14" rx="4" fill="{k}"/>'
               f'<rect x="95" y="180" width="110" height="60" rx="10" fill="{{m}}" {S}/>'
               '<circle cx="150" cy="210" r="10" fill="{a}"/>',
    "towel": f'<rect x="70" y="80" width="160" height="40" rx="10" fill="{{m}}" {S}/>'
             f'<rect x="80" y="120" width="140" height="40" rx="10" fill="{{l}}" {S}/>'
             f'<rect x="90" y="160" width="120" height="60" rx="10" fill="{{m}}" {S}/>'
             '<path d="M90 200 h120" stroke="{d}" stroke-width="4"/>',
    "knife": '<path d="M40 160 q40 -30 150 -32 v34 h-130 q-20 0 -20 -2 z" fill="#d7dbe0" '
             'stroke="#8d9299" stroke-width="2"/>'
             f'<rect x="188" y="126" width="80" height="38" rx="12" fill="{{m}}" {S}/>'
             '<g fill="{l}"><circle cx="212" cy="145" r="4"/><circle cx="244" cy="145" r="4"/>'
             '</g>',
    "cushion": f'<path d="M70 80 q80 -20 160 0 q20 70 0 140 q-80 20 -160 0 q-20 -70 0 -140 z" '
               f'fill="{{m}}" {S}/><path d="M100 110 q50 40 100 0 M100 190 q50 -40 100 0" '
               'fill="none" stroke="{l}" stroke-width="5"/>',
    "container": f'<rect x="70" y="120" width="160" height="95" rx="14" fill="{{l}}" '
                 f'fill-opacity="0.7" {S}/><rect x="62" y="100" width="176" height="24" '
                 'rx="8" fill="{m}"/><rect x="95" y="70" width="110" height="30" rx="8" '
                 'fill="{a}" fill-opacity="0.7"/>',
    "lamp": f'<path d="M100 70 h100 l25 80 h-150 z" fill="{{l}}" {S}/>'
            '<rect x="144" y="150" width="12" height="70" fill="{d}"/>'
            f'<ellipse cx="150" cy="228" rx="50" ry="12" fill="{{m}}" {S}/>',
    "sheets": f'<rect x="60" y="150" width="180" height="50" rx="8" fill="{{m}}" {S}/>'
              f'<rect x="70" y="110" width="160" height="45" rx="8" fill="{{l}}" {S}/>'
              f'<rect x="80" y="75" width="140" height="40" rx="8" fill="{{m}}" {S}/>',
}

_CLOTHES = {
    "tshirt": f'<path d="M110 60 l-55 30 l20 45 l25 -12 v117 h100 v-117 l25 12 l20 -45 l-55 -30 '
              f'q-40 30 -80 0 z" fill="{{m}}" {S}/>',
    "shirt": f'<path d="M110 60 l-55 30 l15 110 l30 -5 v45 h100 v-45 l30 5 l15 -110 l-55 -30 '
             f'q-40 25 -80 0 z" fill="{{m}}" {S}/><path d="M150 75 v165" stroke="{{d}}" '
             'stroke-width="2"/><path d="M120 62 l30 25 l30 -25" fill="{l}" stroke="{d}" '
             'stroke-width="2"/>',
    "pants": f'<path d="M100 55 h100 l15 190 h-50 l-15 -130 l-15 130 h-50 z" fill="{{m}}" {S}/>'
             '<path d="M100 70 h100" stroke="{d}" stroke-width="3"/>',
    "shorts": f'<path d="M95 90 h110 l20 110 h-60 l-15 -60 l-15 60 h-60 z" fill="{{m}}" {S}/>'
              '<path d="M95 105 h110" stroke="{d}" stroke-width="3"/>',
    "hoodie": f'<path d="M110 70 l-55 30 l10 140 h30 v-100 v100 h110 v-100 v100 h30 l10 -140 '
              f'l-55 -30 q-40 -45 -80 0 z" fill="{{m}}" {S}/><path d="M120 175 h60 v35 h-60 z" '
              'fill="none" stroke="{d}" stroke-width="3"/>'
              '<path d="M140 85 v30 M160 85 v30" stroke="{l}" stroke-width="3"/>',
    "sweater": f'<path d="M110 60 l-55 30 l10 150 h30 v-100 v100 h110 v-100 v100 h30 l10 -150 '
               f'l-55 -30 l-40 60 z" fill="{{m}}" {S}/><path d="M150 120 v120" stroke="{{d}}" '
               'stroke-width="3"/><g fill="{l}"><circle cx="158" cy="150" r="4"/>'
               '<circle cx="158" cy="180" r="4"/><circle cx="158" cy="210" r="4"/></g>',
    "jacket": f'<path d="M110 55 l-55 30 l10 155 h170 l10 -155 l-55 -30 q-40 20 -80 0 z" '
              f'fill="{{m}}" {S}/><path d="M150 70 v170" stroke="{{k}}" stroke-width="3"/>'
              '<path d="M65 120 h170 M65 165 h170 M65 210 h170" stroke="{d}" '
              'stroke-width="2"/>',
    "socks": f'<path d="M95 50 h45 v120 l20 30 q10 30 -20 35 h-60 q-20 -5 -10 -30 l25 -25 z" '
             f'fill="{{m}}" {S}/><path d="M160 60 h45 v120 l20 30 q10 30 -20 35 h-30" '
             'fill="{l}" stroke="{d}" stroke-width="3"/><rect x="95" y="50" width="45" '
             'height="18" fill="{a}"/>',
    "belt": f'<path d="M40 165 h220 v26 h-220 z" fill="{{m}}" {S}/>'
            '<rect x="120" y="152" width="50" height="52" rx="6" fill="none" stroke="#b5914a" '
            'stroke-width="8"/><g fill="{d}"><circle cx="200" cy="178" r="3"/>'
            '<circle cx="215" cy="178" r="3"/><circle cx="230" cy="178" r="3"/></g>',
    "beanie": f'<path d="M80 190 q0 -120 70 -120 q70 0 70 120 z" fill="{{m}}" {S}/>'
              f'<rect x="72" y="180" width="156" height="40" rx="10" fill="{{d}}"/>'
              '<circle cx="150" cy="66" r="16" fill="{l}"/>',
    "dress": f'<path d="M125 50 h50 l5 60 l45 130 h-150 l45 -130 z" fill="{{m}}" {S}/>'
             '<path d="M120 110 h60" stroke="{d}" stroke-width="6"/>',
    "skirt": f'<path d="M110 70 h80 l45 160 h-170 z" fill="{{m}}" {S}/>'
             '<path d="M130 80 l-20 150 M150 80 v150 M170 80 l20 150" stroke="{d}" '
             'stroke-width="2"/><rect x="108" y="66" width="84" height="14" fill="{d}"/>',
    "bag": '<path d="M105 120 q0 -60 45 -60 q45 0 45 60" fill="none" stroke="{d}" '
           f'stroke-width="8"/><rect x="70" y="115" width="160" height="115" rx="16" '
           f'fill="{{m}}" {S}/><path d="M70 155 h160" stroke="{{d}}" stroke-width="3"/>'
           '<rect x="140" y="148" width="20" height="16" rx="3" fill="#b5914a"/>',
    "scarf": f'<path d="M90 60 q60 40 120 0 l-10 40 q-50 30 -100 0 z" fill="{{m}}" {S}/>'
             f'<path d="M110 95 l-20 140 h40 l20 -130 z" fill="{{m}}" {S}/>'
             '<path d="M95 225 v15 M105 225 v15 M115 225 v15 M125 225 v15" stroke="{d}" '
             'stroke-width="3"/>',
}

_SHOES = {
    "sneaker": f'<path d="M50 200 v-45 q25 -5 45 -40 l30 5 q10 35 60 45 q55 10 65 35 v20 z" '
               f'fill="{{m}}" {S}/><rect x="45" y="198" width="215" height="20" rx="8" '
               'fill="{w}" stroke="{d}" stroke-width="3"/><path d="M105 135 l25 10 M100 150 '
               'l28 10 M95 165 l30 10" stroke="{l}" stroke-width="4"/>',
    "boot": f'<path d="M90 60 h70 v110 q50 5 80 35 v20 h-150 z" fill="{{m}}" {S}/>'
            '<rect x="85" y="222" width="160" height="18" rx="5" fill="{k}"/>'
            '<path d="M100 90 h55 M100 115 h55 M100 140 h55" stroke="{l}" stroke-width="4"/>',
    "sandal": '<rect x="50" y="170" width="200" height="30" rx="15" fill="{d}"/>'
              f'<path d="M100 172 q50 -70 100 0" fill="{{m}}" {S}/>',
    "loafer": f'<path d="M50 205 v-35 q40 -25 90 -20 q60 10 110 40 v15 z" fill="{{m}}" {S}/>'
              '<path d="M120 160 q30 -10 60 5" fill="none" stroke="{d}" stroke-width="5"/>'
              '<rect x="45" y="203" width="210" height="14" rx="6" fill="{k}"/>',
}

_OUTDOORS = {
    "mat": f'<rect x="60" y="90" width="140" height="120" rx="6" fill="{{m}}" {S}/>'
           f'<circle cx="210" cy="150" r="55" fill="{{m}}" {S}/>'
           '<circle cx="210" cy="150" r="40" fill="none" stroke="{l}" stroke-width="4"/>',
    "dumbbell": '<rect x="95" y="140" width="110" height="20" rx="6" fill="{k}"/>'
                f'<rect x="55" y="95" width="45" height="110" rx="10" fill="{{m}}" {S}/>'
                f'<rect x="200" y="95" width="45" height="110" rx="10" fill="{{m}}" {S}/>',
    "tent": f'<path d="M40 225 l110 -160 l110 160 z" fill="{{m}}" {S}/>'
            '<path d="M150 65 l-35 160 h70 z" fill="{d}"/>'
            '<path d="M150 65 v-20" stroke="{k}" stroke-width="4"/>',
    "bottle": f'<rect x="110" y="85" width="80" height="160" rx="24" fill="{{m}}" {S}/>'
              '<rect x="125" y="50" width="50" height="40" rx="8" fill="{k}"/>'
              '<rect x="120" y="120" width="10" height="90" rx="5" fill="{w}" '
              'fill-opacity="0.35"/>',
    "backpack": f'<rect x="80" y="70" width="140" height="170" rx="40" fill="{{m}}" {S}/>'
                f'<rect x="100" y="160" width="100" height="60" rx="12" fill="{{d}}"/>'
                '<path d="M120 70 q30 -35 60 0" fill="none" stroke="{d}" stroke-width="8"/>'
                '<path d="M110 185 h80" stroke="{a}" stroke-width="4"/>',
    "sleepingbag": f'<rect x="70" y="140" width="160" height="90" rx="45" fill="{{m}}" {S}/>'
                   '<path d="M115 140 v90 M160 140 v90 M200 145 v80" stroke="{d}" '
                   'stroke-width="3"/><rect x="100" y="110" width="100" height="35" rx="10" '
                   'fill="{l}"/>',
    "bands": '<g fill="none" stroke-width="14">'
             '<ellipse cx="120" cy="150" rx="60" ry="80" stroke="{m}"/>'
             '<ellipse cx="180" cy="150" rx="60" ry="80" stroke="{a}"/></g>',
    "ball": f'<circle cx="150" cy="150" r="90" fill="{{w}}" {S}/>'
            '<path d="M150 115 l33 24 l-12 39 h-42 l-12 -39 z" fill="{m}"/>'
            '<path d="M150 60 v55 M183 139 l50 -20 M171 178 l30 45 M129 178 l-30 45 M117 139 '
            'l-50 -20" stroke="{m}" stroke-width="4"/>',
    "headlamp": '<ellipse cx="150" cy="150" rx="100" ry="60" fill="none" stroke="{k}" '
                f'stroke-width="14"/><rect x="110" y="165" width="80" height="60" rx="14" '
                f'fill="{{m}}" {S}/><circle cx="150" cy="195" r="20" fill="{{l}}"/>',
}

_BEAUTY = {
    "jar": f'<rect x="85" y="130" width="130" height="100" rx="14" fill="{{m}}" {S}/>'
           '<rect x="80" y="100" width="140" height="36" rx="8" fill="{d}"/>'
           '<rect x="105" y="165" width="90" height="30" rx="4" fill="{w}" fill-opacity="0.6"/>',
    "dropper": f'<rect x="110" y="115" width="80" height="125" rx="14" fill="{{m}}" {S}/>'
               '<rect x="128" y="80" width="44" height="38" rx="4" fill="{k}"/>'
               '<ellipse cx="150" cy="68" rx="16" ry="20" fill="{d}"/>'
               '<rect x="122" y="160" width="56" height="40" rx="4" fill="{w}" '
               'fill-opacity="0.6"/>',
    "pumpbottle": f'<rect x="100" y="110" width="100" height="135" rx="20" fill="{{m}}" {S}/>'
                  '<rect x="135" y="80" width="30" height="32" fill="{k}"/>'
                  '<path d="M135 70 h60 v12 h-60 z" fill="{k}"/>'
                  '<rect x="115" y="150" width="70" height="50" rx="4" fill="{w}" '
                  'fill-opacity="0.6"/>',
    "tube": f'<path d="M110 50 h80 l-15 160 h-50 z" fill="{{m}}" {S}/>'
            '<rect x="125" y="210" width="50" height="35" rx="6" fill="{k}"/>'
            '<rect x="125" y="100" width="50" height="50" rx="4" fill="{w}" fill-opacity="0.6"/>',
    "lipstick": '<rect x="120" y="150" width="60" height="95" rx="6" fill="{k}"/>'
                '<rect x="128" y="120" width="44" height="35" fill="#cfa64a"/>'
                f'<path d="M132 120 v-45 l36 -20 v65 z" fill="{{m}}" {S}/>',
    "perfume": f'<rect x="85" y="110" width="130" height="130" rx="22" fill="{{m}}" '
               f'fill-opacity="0.85" {S}/><rect x="130" y="85" width="40" height="28" '
               'fill="#cfa64a"/><rect x="120" y="55" width="60" height="32" rx="8" '
               'fill="{k}"/><rect x="110" y="150" width="80" height="50" rx="4" fill="{w}" '
               'fill-opacity="0.6"/>',
    "hairdryer": f'<rect x="60" y="85" width="150" height="70" rx="35" fill="{{m}}" {S}/>'
                 '<rect x="205" y="95" width="40" height="50" rx="8" fill="{d}"/>'
                 f'<rect x="110" y="140" width="40" height="100" rx="14" fill="{{m}}" {S}/>',
}

_TOYS = {
    "blocks": '<rect x="60" y="150" width="90" height="60" rx="4" fill="{m}"/>'
              '<rect x="150" y="150" width="90" height="60" rx="4" fill="{a}"/>'
              '<rect x="105" y="90" width="90" height="60" rx="4" fill="{l}"/>'
              '<g fill="{d}"><rect x="75" y="140" width="20" height="10"/>'
              '<rect x="115" y="140" width="20" height="10"/><rect x="120" y="80" width="20" '
              'height="10"/><rect x="160" y="80" width="20" height="10"/></g>',
    "puzzle": f'<path d="M70 70 h70 q0 -25 20 -25 q20 0 20 25 h50 v60 q-25 0 -25 20 q0 20 25 20 '
              f'v60 h-160 z" fill="{{m}}" {S}/><path d="M150 70 v160 M70 150 h160" '
              'stroke="{d}" stroke-width="3"/>',
    "plush": f'<circle cx="105" cy="85" r="24" fill="{{d}}"/><circle cx="195" cy="85" r="24" '
             f'fill="{{d}}"/><circle cx="150" cy="120" r="60" fill="{{m}}" {S}/>'
             f'<ellipse cx="150" cy="210" rx="65" ry="45" fill="{{m}}" {S}/>'
             '<circle cx="128" cy="110" r="7" fill="{k}"/><circle cx="172" cy="110" r="7" '
             'fill="{k}"/><ellipse cx="150" cy="140" rx="20" ry="14" fill="{l}"/>',
    "car": f'<path d="M45 190 v-35 l35 -8 l30 -40 h80 l35 40 l30 8 v35 z" fill="{{m}}" {S}/>'
           '<path d="M118 115 h66 l25 32 h-110 z" fill="{l}"/>'
           '<circle cx="95" cy="195" r="26" fill="{k}"/><circle cx="205" cy="195" r="26" '
           'fill="{k}"/>',
    "train": f'<rect x="60" y="120" width="120" height="75" rx="6" fill="{{m}}" {S}/>'
             '<rect x="130" y="85" width="50" height="40" fill="{d}"/>'
             '<rect x="180" y="140" width="60" height="55" rx="6" fill="{a}"/>'
             '<g fill="{k}"><circle cx="90" cy="205" r="16"/><circle cx="150" cy="205" r="16"/>'
             '<circle cx="210" cy="205" r="16"/></g>',
    "boardgame": f'<rect x="55" y="80" width="190" height="140" rx="8" fill="{{m}}" {S}/>'
                 '<rect x="75" y="100" width="150" height="100" rx="4" fill="{l}"/>'
                 '<circle cx="115" cy="150" r="18" fill="{a}"/><rect x="150" y="130" '
                 'width="40" height="40" rx="6" fill="{w}" stroke="{d}" stroke-width="2"/>',
    "robot": f'<rect x="100" y="70" width="100" height="70" rx="14" fill="{{m}}" {S}/>'
             '<circle cx="130" cy="105" r="10" fill="{a}"/><circle cx="170" cy="105" r="10" '
             f'fill="{{a}}"/><rect x="90" y="145" width="120" height="80" rx="10" fill="{{d}}"/>'
             '<path d="M150 70 v-20" stroke="{k}" stroke-width="4"/>'
             '<circle cx="150" cy="46" r="7" fill="{a}"/>',
    "artkit": f'<rect x="55" y="90" width="190" height="130" rx="10" fill="{{m}}" {S}/>'
              '<g stroke-width="12" stroke-linecap="round"><path d="M85 120 v70" stroke="#d23a33"/>'
              '<path d="M115 120 v70" stroke="#f2cf3a"/><path d="M145 120 v70" '
              'stroke="#2f6fd0"/><path d="M175 120 v70" stroke="#3f9b53"/>'
              '<path d="M205 120 v70" stroke="#6d4aa5"/></g>',
}

_OFFICE = {
    "book": f'<rect x="85" y="50" width="135" height="195" rx="4" fill="{{m}}" {S}/>'
            '<rect x="85" y="50" width="16" height="195" fill="{d}"/>'
            '<rect x="115" y="95" width="90" height="8" fill="{l}"/>'
            '<rect x="115" y="112" width="70" height="6" fill="{l}"/>'
            '<circle cx="160" cy="180" r="26" fill="{a}" fill-opacity="0.8"/>',
    "pen": '<g stroke-linecap="round"><path d="M90 230 l80 -170" stroke="{k}" stroke-width="16"/>'
           '<path d="M130 230 l60 -170" stroke="{m}" stroke-width="16"/>'
           '<path d="M170 230 l40 -170" stroke="{a}" stroke-width="16"/></g>',
    "notebook": f'<rect x="85" y="55" width="135" height="190" rx="10" fill="{{m}}" {S}/>'
                '<rect x="195" y="55" width="10" height="190" fill="{d}"/>'
                '<path d="M150 245 v20" stroke="{a}" stroke-width="6"/>',
    "chair": f'<rect x="100" y="45" width="100" height="105" rx="30" fill="{{m}}" {S}/>'
             f'<rect x="85" y="150" width="130" height="30" rx="12" fill="{{m}}" {S}/>'
             '<path d="M150 180 v40 M110 240 l40 -20 l40 20" stroke="{k}" stroke-width="8" '
             'fill="none"/>',
    "desk": f'<rect x="60" y="110" width="180" height="22" rx="4" fill="{{m}}" {S}/>'
            '<path d="M90 132 l60 60 l60 -60" fill="none" stroke="{k}" stroke-width="8"/>'
            f'<rect x="70" y="190" width="160" height="30" rx="4" fill="{{m}}" {S}/>',
    "paper": f'<rect x="70" y="110" width="160" height="110" rx="4" fill="{{w}}" {S}/>'
             '<rect x="70" y="150" width="160" height="30" fill="{m}"/>'
             '<rect x="85" y="80" width="130" height="35" fill="{w}" stroke="#c3c7cc" '
             'stroke-width="2"/>',
    "organizer": f'<rect x="70" y="140" width="160" height="90" rx="8" fill="{{m}}" {S}/>'
                 '<rect x="90" y="100" width="40" height="45" fill="{d}"/>'
                 '<path d="M100 100 l-10 -45 M115 100 l5 -50" stroke="{a}" stroke-width="6"/>'
                 '<rect x="150" y="185" width="60" height="8" rx="4" fill="{l}"/>',
    "desklamp": '<ellipse cx="150" cy="232" rx="55" ry="12" fill="{d}"/>'
                '<path d="M150 230 l-40 -90 l70 -55" fill="none" stroke="{m}" stroke-width="10" '
                f'stroke-linecap="round"/><path d="M165 70 l55 10 l-15 45 z" fill="{{m}}" {S}/>',
    "notes": '<rect x="75" y="85" width="120" height="120" fill="{a}"/>'
             f'<rect x="105" y="105" width="120" height="120" fill="{{m}}" {S}/>'
             '<path d="M120 140 h85 M120 165 h85 M120 190 h60" stroke="{d}" stroke-width="3"/>',
}

_PETS = {
    "foodbag": f'<path d="M90 60 h120 l15 180 h-150 z" fill="{{m}}" {S}/>'
               '<rect x="90" y="60" width="120" height="18" fill="{d}"/>'
               '<ellipse cx="150" cy="160" rx="40" ry="30" fill="{w}" fill-opacity="0.7"/>',
    "can": f'<rect x="90" y="110" width="120" height="110" rx="8" fill="{{m}}" {S}/>'
           '<ellipse cx="150" cy="110" rx="60" ry="14" fill="#c3c7cc"/>'
           '<rect x="90" y="145" width="120" height="40" fill="{w}" fill-opacity="0.6"/>',
    "petbed": f'<ellipse cx="150" cy="175" rx="110" ry="55" fill="{{m}}" {S}/>'
              '<ellipse cx="150" cy="168" rx="80" ry="35" fill="{l}"/>',
    "cattree": '<rect x="140" y="60" width="20" height="170" fill="#c19a6b"/>'
               f'<rect x="70" y="190" width="160" height="40" rx="6" fill="{{m}}" {S}/>'
               f'<rect x="90" y="120" width="100" height="22" rx="6" fill="{{m}}" {S}/>'
               f'<rect x="120" y="50" width="80" height="22" rx="6" fill="{{m}}" {S}/>',
    "leash": '<path d="M90 220 q-20 -140 90 -150" fill="none" stroke="{m}" stroke-width="10"/>'
             f'<rect x="80" y="200" width="60" height="35" rx="12" fill="{{m}}" {S}/>'
             '<circle cx="185" cy="70" r="14" fill="none" stroke="#8d9299" stroke-width="6"/>',
    "bowl": f'<path d="M60 150 h180 q-15 80 -90 80 q-75 0 -90 -80 z" fill="{{m}}" {S}/>'
            '<ellipse cx="150" cy="150" rx="90" ry="16" fill="{d}"/>',
    "cattoy": '<path d="M90 230 q20 -120 90 -160" fill="none" stroke="{k}" stroke-width="6"/>'
              '<path d="M180 70 q30 -30 50 -10 q-20 10 -30 40 z" fill="{a}"/>'
              f'<circle cx="110" cy="200" r="30" fill="{{m}}" {S}/>',
    "bone": f'<path d="M95 130 a22 22 0 1 1 20 -25 h70 a22 22 0 1 1 20 25 a22 22 0 1 1 -20 25 '
            f'h-70 a22 22 0 1 1 -20 -25 z" fill="{{m}}" {S}/>',
    "box": f'<path d="M70 110 l80 -35 l80 35 v100 l-80 35 l-80 -35 z" fill="{{m}}" {S}/>'
           '<path d="M70 110 l80 35 l80 -35 M150 145 v100" fill="none" stroke="{d}" '
           'stroke-width="3"/>',
}

SHAPES: dict[str, str] = {**_GADGETS, **_HOME, **_CLOTHES, **_SHOES, **_OUTDOORS, **_BEAUTY,
                          **_TOYS, **_OFFICE, **_PETS}
