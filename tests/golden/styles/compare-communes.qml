<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.22.0" styleCategories="Symbology|Labeling">
 <renderer-v2 type="RuleRenderer" symbollevels="0" enableorderby="0" forceraster="0">
  <rules key="root">
   <rule key="r0" filter="&quot;diff_high-mobilisation&quot; &lt; -0.5" label="−100 to −50 pt" symbol="0"/>
   <rule key="r1" filter="&quot;diff_high-mobilisation&quot; &gt;= -0.5 AND &quot;diff_high-mobilisation&quot; &lt; -0.2" label="−50 to −20 pt" symbol="1"/>
   <rule key="r2" filter="&quot;diff_high-mobilisation&quot; &gt;= -0.2 AND &quot;diff_high-mobilisation&quot; &lt; -0.05" label="−20 to −5 pt" symbol="2"/>
   <rule key="r3" filter="&quot;diff_high-mobilisation&quot; &gt;= -0.05 AND &quot;diff_high-mobilisation&quot; &lt; 0.05" label="±5 pt" symbol="3"/>
   <rule key="r4" filter="&quot;diff_high-mobilisation&quot; &gt;= 0.05 AND &quot;diff_high-mobilisation&quot; &lt; 0.2" label="+5 to +20 pt" symbol="4"/>
   <rule key="r5" filter="&quot;diff_high-mobilisation&quot; &gt;= 0.2 AND &quot;diff_high-mobilisation&quot; &lt; 0.5" label="+20 to +50 pt" symbol="5"/>
   <rule key="r6" filter="&quot;diff_high-mobilisation&quot; &gt;= 0.5" label="+50 to +100 pt" symbol="6"/>
   <rule key="r7" filter="&quot;diff_high-mobilisation&quot; IS NULL" label="not assessed (township)" symbol="7"/>
  </rules>
  <symbols>
   <symbol type="fill" name="0" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="178,24,43,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="solid"/></layer></symbol>
   <symbol type="fill" name="1" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="214,96,77,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="solid"/></layer></symbol>
   <symbol type="fill" name="2" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="244,165,130,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="solid"/></layer></symbol>
   <symbol type="fill" name="3" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="247,247,247,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="solid"/></layer></symbol>
   <symbol type="fill" name="4" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="146,197,222,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="solid"/></layer></symbol>
   <symbol type="fill" name="5" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="67,147,195,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="solid"/></layer></symbol>
   <symbol type="fill" name="6" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="33,102,172,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="solid"/></layer></symbol>
   <symbol type="fill" name="7" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" enabled="1" pass="0" locked="0"><prop k="color" v="217,217,217,255"/><prop k="outline_color" v="90,90,90,255"/><prop k="outline_width" v="0.26"/><prop k="outline_width_unit" v="MM"/><prop k="style" v="b_diagonal"/></layer></symbol>
  </symbols>
 </renderer-v2>
 <labeling type="simple"><settings calloutType="simple"><text-style fieldName="name" fontSize="8" textColor="20,20,20,255" fontFamily="DejaVu Sans"/><text-buffer bufferDraw="1" bufferSize="0.8" bufferColor="255,255,255,255"/><placement placement="1"/></settings></labeling>
</qgis>
